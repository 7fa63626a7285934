import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../testing/controller-harness.js';
import { basicCatalog, joinHost } from '../../testing/fleet-sim.js';
import { STORE_KINDS, stopPgCluster } from '../../testing/store-targets.js';

afterAll(stopPgCluster);

/**
 * The claim answers from the rows it wrote (claim-writes.ts), not from a
 * read-back: the answer must be exactly what a later read of the instance
 * shows, ports in request order, VFs with their addresses, a normal port
 * with none.
 */
describe.each(STORE_KINDS)('the claim answer built from its writes, on %s', (kind) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(kind);
    await basicCatalog(h, 2);
    await joinHost(h, { name: 'node1', pfs: 2, vfsPerPf: 2 });
  }, 120_000);
  afterEach(() => h.close());

  it('equals the instance as read back afterwards', async () => {
    const created = await h.call('POST', '/v1/instances', h.admin, {
      name: 'vm1',
      tenant: 'acme',
      vcpus: 1,
      memoryMb: 256,
      numaPolicy: 'preferred',
      distinctPfs: true,
      ports: [
        { network: 'blue', vnicType: 'normal' },
        { network: 'blue', mac: 'fa:16:3e:00:00:01' },
        { network: 'blue', maxTxRate: 100 },
      ],
    });
    expect(created.status).toBe(201);
    const body = created.body as { id: string; ports: { vnicType: string; pf: string | null }[] };
    const read = await h.call('GET', `/v1/instances/${body.id}`, h.admin);
    expect(read.status).toBe(200);
    // The read shows the VM (none here), which a create's answer does not carry.
    expect(body).toEqual({ ...read.body, vm: undefined });
    // Request order kept, and two VFs on two PFs (distinctPfs) with their addresses.
    expect(body.ports.map((p) => p.vnicType)).toEqual(['normal', 'direct', 'direct']);
    expect(body.ports[0]?.pf).toBeNull();
    expect(new Set(body.ports.slice(1).map((p) => p.pf)).size).toBe(2);
  });
});
