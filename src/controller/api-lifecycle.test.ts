import { afterAll, describe, expect, it } from 'vitest';
import { startHarness } from '../testing/controller-harness.js';
import type { Json } from '../testing/controller-harness.js';
import { applyDesired, basicCatalog, joinHost, reportHost } from '../testing/fleet-sim.js';
import { STORE_KINDS, stopPgCluster } from '../testing/store-targets.js';
import { expireReservations } from './run-controller.js';

afterAll(stopPgCluster);

interface Port {
  pciAddress: string;
  pf: string;
  mac: string;
  vlan: number;
  host: string;
}
const vfOf = (detail: Json, pci: string) =>
  (
    detail.pfs as {
      vfs: { pciAddress: string; state: string; dirty: boolean; note: string | null }[];
    }[]
  )
    .flatMap((p) => p.vfs)
    .find((v) => v.pciAddress === pci);
const desiredVf = (state: { pfs: Json[] }, pf: string, index: number) =>
  (state.pfs.find((p) => p.pciAddress === pf)?.vfs as Json[] | undefined)?.[index];

describe.each(STORE_KINDS)('instance lifecycle on %s', (kind) => {
  it('claims, binds through the agent, releases with a reset, quarantines a failed reset', async () => {
    const h = await startHarness(kind);
    try {
      await basicCatalog(h, 2);
      const agent = await joinHost(h, { name: 'node1', pfs: 2, vfsPerPf: 2 });
      const tenant = await h.token('tenant', { tenant: 'acme' });

      const r = await h.call('POST', '/v1/instances', tenant, {
        name: 'vm1',
        vcpus: 2,
        memoryMb: 1024,
        numaPolicy: 'required',
        hostLabels: {},
        ports: [{ network: 'blue', vnicType: 'direct', mac: 'fa:16:3e:aa:bb:cc' }],
      });
      expect(r.status).toBe(201);
      expect(r.body.host).toBe('node1');
      const port = (r.body.ports as Port[])[0];
      expect(port).toMatchObject({
        mac: 'fa:16:3e:aa:bb:cc',
        vlan: 100,
        host: 'node1',
        spoofchk: true,
      });
      expect(port?.pciAddress).toMatch(/^0000:1[01]:10\.[01]$/);
      expect(r.body.state).toBe('reserved');

      // The agent receives the port's settings on that VF.
      const pfIndex = Number(port?.pciAddress.slice(-1));
      const desired = await applyDesired(h, agent, 'node1');
      expect(desiredVf(desired.state, port?.pf ?? '', pfIndex)).toMatchObject({
        mac: 'fa:16:3e:aa:bb:cc',
        vlan: 100,
        spoofchk: true,
        trust: false,
      });
      const bound = await h.call('GET', `/v1/instances/${String(r.body.id)}`, tenant);
      expect(bound.body.state).toBe('active');
      let detail = await h.call('GET', '/v1/hosts/node1', h.admin);
      expect(vfOf(detail.body, port?.pciAddress ?? '')?.state).toBe('allocated');

      // Release: free but dirty (never offered) until the agent confirms the reset.
      expect((await h.call('DELETE', `/v1/instances/${String(r.body.id)}`, tenant)).status).toBe(
        204,
      );
      detail = await h.call('GET', '/v1/hosts/node1', h.admin);
      expect(vfOf(detail.body, port?.pciAddress ?? '')).toMatchObject({
        state: 'free',
        dirty: true,
      });
      const reset = await applyDesired(h, agent, 'node1', [port?.pciAddress ?? '']);
      expect(desiredVf(reset.state, port?.pf ?? '', pfIndex)).toEqual({
        index: pfIndex,
        mac: '00:00:00:00:00:00',
        vlan: 0,
        spoofchk: true,
        trust: false,
        maxTxRate: 0,
        minTxRate: 0,
      });
      detail = await h.call('GET', '/v1/hosts/node1', h.admin);
      expect(vfOf(detail.body, port?.pciAddress ?? '')).toMatchObject({ state: 'quarantined' });
      expect(vfOf(detail.body, port?.pciAddress ?? '')?.note).toContain('not applied');

      // Only a clean reset brings it back.
      await applyDesired(h, agent, 'node1');
      detail = await h.call('GET', '/v1/hosts/node1', h.admin);
      expect(vfOf(detail.body, port?.pciAddress ?? '')).toMatchObject({
        state: 'free',
        dirty: false,
        note: null,
      });
    } finally {
      await h.close();
    }
  });

  it('expires reservations never bound, and offers no host before its declared state is applied', async () => {
    const h = await startHarness(kind, { reservationTtlMs: 60_000 });
    try {
      await basicCatalog(h, 2);
      await joinHost(h, { name: 'node1', pfs: 1, vfsPerPf: 2, labels: { rack: 'r1' } });
      const late = await h.token('agent', { host: 'node2' });
      await h.call('POST', '/v1/agent/register', late, { host: 'node2', labels: { rack: 'r2' } });
      await reportHost(h, late, { name: 'node2', pfs: 1, vfsPerPf: 2 });

      const want = (rack: string) => ({
        name: 'vm',
        vcpus: 1,
        memoryMb: 512,
        numaPolicy: 'legacy',
        hostLabels: { rack },
        tenant: 'acme',
        ports: [{ network: 'blue', vnicType: 'direct' }],
      });
      const notReady = await h.call('POST', '/v1/instances', h.admin, want('r2'));
      expect(notReady.status).toBe(409);
      expect(notReady.body.code).toBe('NO_CAPACITY');
      expect(notReady.body.message).toContain('1 not ready');
      expect(notReady.body.message).toContain('1 free VF(s) on physnet p1');
      await applyDesired(h, late, 'node2');
      expect((await h.call('POST', '/v1/instances', h.admin, want('r2'))).status).toBe(201);

      const r = await h.call('POST', '/v1/instances', h.admin, want('r1'));
      expect(r.status).toBe(201);
      h.clock += 30_000;
      expect(await expireReservations(h.deps)).toEqual([]);
      h.clock += 40_000;
      // node1 must still be seen (not stale) for the sweep to matter: both instances were never bound.
      expect((await expireReservations(h.deps)).sort()).toHaveLength(2);
      const gone = await h.call('GET', `/v1/instances/${String(r.body.id)}`, h.admin);
      expect(gone.body).toMatchObject({ state: 'expired', ports: [] });
      expect((await h.call('GET', '/v1/ports', h.admin)).body.items).toEqual([]);
    } finally {
      await h.close();
    }
  });
});
