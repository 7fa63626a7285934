import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startHarness, type Harness } from '../../testing/controller-harness.js';
import { basicCatalog, joinHost } from '../../testing/fleet-sim.js';

/**
 * The ports' networks are resolved before the claim: one lookup per
 * distinct network, not one per port in a row (an 8-port request on one
 * network was 8 sequential round trips), and a network the tenant does not
 * have is still named by the first port that asks for it.
 */
describe('POST /v1/instances resolves its networks', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness('pglite');
    await basicCatalog(h, 4);
    const green = await h.call('POST', '/v1/networks', h.admin, {
      name: 'green',
      physnet: 'p1',
      tenant: 'acme',
    });
    expect(green.status).toBe(201);
    await joinHost(h, { name: 'node1', pfs: 2, vfsPerPf: 4 });
  }, 120_000);
  afterEach(() => h.close());

  const body = (networks: string[]) => ({
    name: 'vm1',
    tenant: 'acme',
    vcpus: 1,
    memoryMb: 256,
    ports: networks.map((network) => ({ network })),
  });

  it('once per distinct network, whatever the ports', async () => {
    const byName = vi.spyOn(h.store.catalog, 'networkByName');
    const r = await h.call(
      'POST',
      '/v1/instances',
      h.admin,
      body(['blue', 'green', 'blue', 'blue']),
    );
    expect(r.status).toBe(201);
    const ports = (r.body as { ports: { network: string }[] }).ports;
    expect(ports.map((p) => p.network)).toEqual(['blue', 'green', 'blue', 'blue']);
    expect(byName.mock.calls.map((c) => c[1]).sort()).toEqual(['blue', 'green']);
  });

  it('names the first port of a network the tenant does not have, claiming nothing', async () => {
    const r = await h.call('POST', '/v1/instances', h.admin, body(['blue', 'red', 'blue', 'red']));
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({
      code: 'INVALID_INPUT',
      message: 'ports[1].network: no network "red" for tenant acme',
      details: { field: 'ports[1].network' },
    });
    const list = await h.call('GET', '/v1/instances', h.admin);
    expect((list.body as { items: unknown[] }).items).toEqual([]);
  });
});
