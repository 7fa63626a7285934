import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from '../testing/controller-harness.js';
import type { Harness, Json } from '../testing/controller-harness.js';
import { applyDesired, basicCatalog, joinHost } from '../testing/fleet-sim.js';
import { STORE_KINDS, stopPgCluster } from '../testing/store-targets.js';

afterAll(stopPgCluster);

interface VfOut {
  index: number;
  state: string;
  physnet: string | null;
  pciAddress: string;
}

/**
 * PATCH of specs, physnets and networks on both stores: validated as
 * creation is, and never taking a VF, a VLAN or a range from what uses it.
 */
describe.each(STORE_KINDS)('updates on %s', (kind) => {
  let h: Harness;
  let agent: string;
  let specId: string;
  let blueId: string;
  let instanceId: string;
  const host = async () =>
    (await h.call('GET', '/v1/hosts/node1', h.admin)).body as unknown as {
      desiredGeneration: number;
      pfs: { vfs: VfOut[] }[];
    };

  beforeAll(async () => {
    h = await startHarness(kind);
    await basicCatalog(h, 4);
    await h.call('POST', '/v1/physnets', h.admin, {
      name: 'p2',
      vlanRanges: [{ min: 300, max: 399 }],
    });
    agent = await joinHost(h, { name: 'node1', pfs: 1, vfsPerPf: 4 });
    specId = String(((await h.call('GET', '/v1/specs', h.admin)).body.items as Json[])[0]?.id);
    blueId = String(((await h.call('GET', '/v1/networks', h.admin)).body.items as Json[])[0]?.id);
    const inst = await h.call('POST', '/v1/instances', h.admin, {
      name: 'vm',
      vcpus: 1,
      memoryMb: 64,
      tenant: 'acme',
      ports: [{ network: 'blue', mac: 'fa:16:3e:00:00:07' }],
    });
    expect(inst.status).toBe(201);
    instanceId = String(inst.body.id);
  }, 60_000);
  afterAll(() => h.close());

  it('physnet: new ranges must keep the VLAN of every network on it', async () => {
    const cut = await h.call('PATCH', '/v1/physnets/p1', h.admin, {
      vlanRanges: [{ min: 150, max: 199 }],
    });
    expect(cut.status).toBe(409);
    expect(cut.body.code).toBe('CONFLICT');
    expect(String(cut.body.message)).toContain('acme/blue (VLAN 100)');
    expect(cut.body.details).toMatchObject({ field: 'vlanRanges', networks: [{ name: 'blue' }] });
    const ok = await h.call('PATCH', '/v1/physnets/p1', h.admin, {
      vlanRanges: [
        { min: 100, max: 100 },
        { min: 120, max: 129 },
      ],
    });
    expect(ok.status).toBe(200);
    expect((await h.call('GET', '/v1/physnets/p1', h.admin)).body.vlanRanges).toEqual([
      { min: 100, max: 100 },
      { min: 120, max: 129 },
    ]);
    // The next network gets the lowest free VLAN of the new ranges.
    const red = await h.call('POST', '/v1/networks', h.admin, {
      name: 'red',
      physnet: 'p1',
      tenant: 'acme',
    });
    expect(red.body.vlan).toBe(120);
    expect((await h.call('PATCH', '/v1/physnets/nope', h.admin, { vlanRanges: [] })).status).toBe(
      404,
    );
  });

  it('network: renamed any time, moved only while no port uses it', async () => {
    const renamed = await h.call('PATCH', `/v1/networks/${blueId}`, h.admin, { name: 'navy' });
    expect(renamed).toMatchObject({ status: 200, body: { name: 'navy', vlan: 100 } });
    const ports = (await h.call('GET', '/v1/ports', h.admin)).body.items as Json[];
    expect(ports[0]).toMatchObject({ network: 'navy' });
    const moved = await h.call('PATCH', `/v1/networks/${blueId}`, h.admin, { vlan: 121 });
    expect(moved.status).toBe(409);
    expect(String(moved.body.message)).toContain('fa:16:3e:00:00:07');
    expect(moved.body.details).toMatchObject({
      field: 'vlan',
      ports: [{ mac: 'fa:16:3e:00:00:07' }],
    });
    const other = await h.call('PATCH', `/v1/networks/${blueId}`, h.admin, { physnet: 'p2' });
    expect(other).toMatchObject({ status: 409, body: { details: { field: 'physnet' } } });

    const red = (await h.call('GET', '/v1/networks', h.admin)).body.items as Json[];
    const redId = String(red.find((n) => n.name === 'red')?.id);
    const outside = await h.call('PATCH', `/v1/networks/${redId}`, h.admin, { vlan: 150 });
    expect(outside).toMatchObject({ status: 400, body: { details: { field: 'vlan' } } });
    const taken = await h.call('PATCH', `/v1/networks/${redId}`, h.admin, { vlan: 100 });
    expect(taken).toMatchObject({
      status: 409,
      body: { code: 'CONFLICT', details: { field: 'vlan' } },
    });
    const dup = await h.call('PATCH', `/v1/networks/${redId}`, h.admin, { name: 'navy' });
    expect(dup).toMatchObject({ status: 409, body: { details: { field: 'name' } } });
    const toP2 = await h.call('PATCH', `/v1/networks/${redId}`, h.admin, {
      physnet: 'p2',
      vlan: 300,
    });
    expect(toP2).toMatchObject({ status: 200, body: { physnet: 'p2', vlan: 300 } });
    expect(
      (await h.call('PATCH', `/v1/networks/${redId}`, h.admin, { physnet: 'nope' })).body.details,
    ).toMatchObject({ field: 'physnet' });
  });

  it('network: a tenant changes only its own', async () => {
    const acme = await h.token('tenant', { tenant: 'acme' });
    const globex = await h.token('tenant', { tenant: 'globex' });
    expect((await h.call('PATCH', `/v1/networks/${blueId}`, globex, { name: 'mine' })).status).toBe(
      404,
    );
    const own = await h.call('PATCH', `/v1/networks/${blueId}`, acme, { name: 'blue' });
    expect(own).toMatchObject({ status: 200, body: { name: 'blue', tenant: 'acme' } });
  });

  it('spec: checked as a new spec, and never takes VFs from their ports', async () => {
    const path = `/v1/specs/${specId}`;
    const above = await h.call('PATCH', path, h.admin, { numVfs: 8 });
    expect(above).toMatchObject({ status: 400, body: { details: { field: 'numVfs' } } });
    const bare = await h.call('PATCH', path, h.admin, { driver: null });
    expect(bare).toMatchObject({ status: 400, body: { details: { field: 'vendor' } } });
    const before = await host();
    const vf0 = before.pfs[0]?.vfs[0];
    expect(vf0).toMatchObject({ state: 'reserved', physnet: 'p1' });

    for (const change of [{ numVfs: 2 }, { numVfs: 6 }, { physnet: 'p2' }, { vfDriver: 'iavf' }]) {
      const r = await h.call('PATCH', path, h.admin, change);
      expect(r.status, JSON.stringify(change)).toBe(409);
      expect(String(r.body.message)).toContain(`node1 ${vf0?.pciAddress ?? '?'}`);
      expect(r.body.details).toMatchObject({ field: 'spec', vfs: [{ index: 0, host: 'node1' }] });
    }
    // Nothing moved: same tags, same generation.
    expect(await host()).toEqual(before);

    const renamed = await h.call('PATCH', path, h.admin, { name: 'igb-4', trusted: true });
    expect(renamed).toMatchObject({
      status: 200,
      body: { name: 'igb-4', trusted: true, numVfs: 4 },
    });
    expect((await host()).desiredGeneration).toBe(before.desiredGeneration);
  });

  it('spec: once the VFs are free, a new count bumps the host and a new physnet re-tags', async () => {
    const path = `/v1/specs/${specId}`;
    expect((await h.call('DELETE', `/v1/instances/${instanceId}`, h.admin)).status).toBe(204);
    await applyDesired(h, agent, 'node1');
    const before = await host();
    const r = await h.call('PATCH', path, h.admin, { numVfs: 2, physnet: 'p2' });
    expect(r).toMatchObject({
      status: 200,
      body: { numVfs: 2, physnet: 'p2', vfDriver: 'vfio-pci' },
    });
    const after = await host();
    expect(after.desiredGeneration).toBeGreaterThan(before.desiredGeneration);
    expect(after.pfs[0]?.vfs.map((v) => v.physnet)).toEqual(['p2', 'p2', 'p2', 'p2']);
    const desired = await applyDesired(h, agent, 'node1');
    expect(desired.state.pfs[0]).toMatchObject({ numVfs: 2 });
    expect((await h.call('PATCH', '/v1/specs/nope', h.admin, { numVfs: 1 })).status).toBe(404);
  });
});
