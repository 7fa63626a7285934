import { afterAll, describe, expect, it } from 'vitest';
import type { Harness, Json } from '../testing/controller-harness.js';
import { startHarness } from '../testing/controller-harness.js';
import { joinHost } from '../testing/fleet-sim.js';
import { STORE_KINDS, stopPgCluster } from '../testing/store-targets.js';

afterAll(stopPgCluster);

const A = '0000:10:00.0';
const B = '0000:11:00.0';

async function must(h: Harness, method: string, path: string, body: unknown): Promise<Json> {
  const r = await h.call(method, path, h.admin, body);
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/**
 * PF A: VFs 0-1 vfleet's, 2-3 OpenStack's; PF B: every VF Kubernetes'.
 * All on physnet p1, where network blue lives.
 */
async function fleet(h: Harness): Promise<string> {
  await must(h, 'POST', '/v1/physnets', { name: 'p1', vlanRanges: [{ min: 100, max: 199 }] });
  await must(h, 'POST', '/v1/specs', { name: 'ours', pf: `${A}#0-1`, physnet: 'p1', numVfs: 4 });
  await must(h, 'POST', '/v1/specs', {
    name: 'nova',
    pf: `${A}#2-3`,
    physnet: 'p1',
    numVfs: 4,
    owner: 'openstack',
    bandwidth: { egressMbps: 10000, ingressMbps: null },
  });
  await must(h, 'POST', '/v1/specs', {
    name: 'k8s',
    pf: B,
    physnet: 'p1',
    numVfs: 4,
    owner: 'kubernetes',
  });
  await must(h, 'POST', '/v1/networks', { name: 'blue', physnet: 'p1', tenant: 'acme' });
  return joinHost(h, { name: 'node1', pfs: 2, vfsPerPf: 4 });
}

const vm = (name: string, ports: number) => ({
  name,
  vcpus: 1,
  memoryMb: 256,
  numaPolicy: 'preferred',
  tenant: 'acme',
  ports: Array.from({ length: ports }, () => ({ network: 'blue' })),
});

interface PfOut {
  pciAddress: string;
  owners: string[];
  vfs: { index: number; owner: string; state: string }[];
}

describe.each(STORE_KINDS)('VF owners on %s', (kind) => {
  it('shows owners, schedules only vfleet VFs, counts the others as handed over', async () => {
    const h = await startHarness(kind);
    try {
      await fleet(h);
      const spec = (await h.call('GET', '/v1/specs', h.admin)).body.items as Json[];
      const byName = Object.fromEntries(spec.map((s) => [String(s.name), [s.owner, s.bandwidth]]));
      expect(byName).toEqual({
        ours: ['vfleet', null],
        nova: ['openstack', { egressMbps: 10000, ingressMbps: null }],
        k8s: ['kubernetes', null],
      });
      const host = await h.call('GET', '/v1/hosts/node1', h.admin);
      const pfs = host.body.pfs as PfOut[];
      expect(pfs.map((p) => [p.pciAddress, p.owners, p.vfs.map((v) => v.owner)])).toEqual([
        [A, ['vfleet', 'openstack'], ['vfleet', 'vfleet', 'openstack', 'openstack']],
        [B, ['kubernetes'], ['kubernetes', 'kubernetes', 'kubernetes', 'kubernetes']],
      ]);

      const cap = await h.call('GET', '/v1/capacity', h.admin);
      expect(cap.body.physnets).toEqual([
        expect.objectContaining({ physnet: 'p1', total: 2, free: 2, handedOver: 6 }),
      ]);

      // vfleet's two VFs go to vm1; six OpenStack and Kubernetes VFs stay free, and are not ours.
      const first = await h.call('POST', '/v1/instances', h.admin, vm('vm1', 2));
      expect(first.status).toBe(201);
      expect((first.body.ports as Json[]).map((p) => [p.pf, p.vfIndex])).toEqual([
        [A, 0],
        [A, 1],
      ]);
      const next = await h.call('POST', '/v1/instances', h.admin, vm('vm2', 1));
      expect(next.status).toBe(409);
      expect(next.body.code).toBe('NO_CAPACITY');
      const after = (await h.call('GET', '/v1/hosts/node1', h.admin)).body.pfs as PfOut[];
      expect(
        after.flatMap((p) => p.vfs.filter((v) => v.owner !== 'vfleet')).map((v) => v.state),
      ).toEqual(Array(6).fill('free'));
    } finally {
      await h.close();
    }
  });

  it('refuses two owners on one VF, naming both specs, on create and on update', async () => {
    const h = await startHarness(kind);
    try {
      await fleet(h);
      const clash = await h.call('POST', '/v1/specs', h.admin, {
        name: 'pool',
        pf: `${A}#1-2`,
        physnet: 'p1',
        numVfs: 4,
        owner: 'libvirt-pool',
      });
      expect(clash.status).toBe(409);
      expect(clash.body.code).toBe('CONFLICT');
      expect(clash.body.message).toBe(
        `spec pool (owner libvirt-pool) and spec ours (owner vfleet) both select VF 1 of PF ${A} on host node1; one VF has one owner`,
      );
      // The same owner may overlap (the older spec tags the VF).
      const same = await h.call('POST', '/v1/specs', h.admin, {
        name: 'nova2',
        pf: `${A}#3`,
        physnet: 'p1',
        numVfs: 4,
        owner: 'openstack',
      });
      expect(same.status).toBe(201);

      const nova = ((await h.call('GET', '/v1/specs', h.admin)).body.items as Json[]).find(
        (s) => s.name === 'nova',
      );
      const widen = await h.call('PATCH', `/v1/specs/${String(nova?.id)}`, h.admin, {
        pf: `${A}#1-3`,
      });
      expect(widen.status).toBe(409);
      expect(widen.body.message).toContain(
        'spec nova (owner openstack) and spec ours (owner vfleet) both select VF 1',
      );

      // Specs alone: PF 0000:20:00.0 is on no host.
      await must(h, 'POST', '/v1/specs', {
        name: 'far',
        pf: '0000:20:00.0#0-3',
        physnet: 'p1',
        numVfs: 4,
      });
      const far = await h.call('POST', '/v1/specs', h.admin, {
        name: 'far-k8s',
        pf: '0000:20:00.0#3-5',
        physnet: 'p1',
        numVfs: 8,
        owner: 'kubernetes',
      });
      expect(far.status).toBe(409);
      expect(far.body.message).toBe(
        'spec far-k8s (owner kubernetes) and spec far (owner vfleet) both select VF 3 of PF 0000:20:00.0; one VF has one owner',
      );
    } finally {
      await h.close();
    }
  });

  it('hands VFs over and back by PATCH, refusing while vfleet ports hold them', async () => {
    const h = await startHarness(kind);
    try {
      await fleet(h);
      const ours = ((await h.call('GET', '/v1/specs', h.admin)).body.items as Json[]).find(
        (s) => s.name === 'ours',
      );
      const vm1 = await h.call('POST', '/v1/instances', h.admin, vm('vm1', 1));
      expect(vm1.status).toBe(201);
      const held = await h.call('PATCH', `/v1/specs/${String(ours?.id)}`, h.admin, {
        owner: 'kubernetes',
      });
      expect(held.status).toBe(409);
      expect(held.body.message).toContain('of instance vm1: its owner would be kubernetes');

      await h.call('DELETE', `/v1/instances/${String(vm1.body.id)}`, h.admin);
      const handed = await h.call('PATCH', `/v1/specs/${String(ours?.id)}`, h.admin, {
        owner: 'kubernetes',
        bandwidth: { egressMbps: 25000, ingressMbps: 25000 },
      });
      expect(handed.status).toBe(200);
      expect(handed.body).toMatchObject({ owner: 'kubernetes', bandwidth: { egressMbps: 25000 } });
      const pfs = (await h.call('GET', '/v1/hosts/node1', h.admin)).body.pfs as PfOut[];
      expect(pfs[0]?.owners).toEqual(['openstack', 'kubernetes']);
      expect((await h.call('POST', '/v1/instances', h.admin, vm('vm2', 1))).body.code).toBe(
        'NO_CAPACITY',
      );

      const bad = await h.call('PATCH', `/v1/specs/${String(ours?.id)}`, h.admin, {
        owner: 'nova',
        bandwidth: { egressMbps: 0, ingressMbps: null },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('INVALID_INPUT');
    } finally {
      await h.close();
    }
  });

  it('hands a whole PF to a libvirt pool: shown, never claimed, handed back only while free', async () => {
    const h = await startHarness(kind);
    try {
      await must(h, 'POST', '/v1/physnets', { name: 'p1', vlanRanges: [{ min: 100, max: 199 }] });
      const pool = await must(h, 'POST', '/v1/specs', {
        name: 'pool',
        pf: B,
        physnet: 'p1',
        wholePf: true,
        owner: 'libvirt-pool',
      });
      await must(h, 'POST', '/v1/networks', { name: 'blue', physnet: 'p1', tenant: 'acme' });
      await joinHost(h, { name: 'node1', pfs: 2, vfsPerPf: 0 });
      const pfs = (await h.call('GET', '/v1/hosts/node1', h.admin)).body.pfs as (PfOut & {
        whole: { owner: string; state: string } | null;
      })[];
      const b = pfs.find((p) => p.pciAddress === B);
      expect(b?.whole).toMatchObject({ owner: 'libvirt-pool', state: 'free' });
      expect(b?.owners).toEqual(['libvirt-pool']);
      const pfVm = { ...vm('vm1', 0), ports: [{ network: 'blue', vnicType: 'direct-physical' }] };
      const none = await h.call('POST', '/v1/instances', h.admin, pfVm);
      expect(none.body.code).toBe('NO_CAPACITY');

      const id = String(pool.id);
      expect((await h.call('PATCH', `/v1/specs/${id}`, h.admin, { owner: 'vfleet' })).status).toBe(
        200,
      );
      expect((await h.call('POST', '/v1/instances', h.admin, pfVm)).status).toBe(201);
      const held = await h.call('PATCH', `/v1/specs/${id}`, h.admin, { owner: 'kubernetes' });
      expect(held.status).toBe(409);
      expect(held.body.message).toContain(`node1 PF ${B} (held whole by port`);
      expect(held.body.message).toContain('of instance vm1; its owner would be kubernetes)');
    } finally {
      await h.close();
    }
  });
});
