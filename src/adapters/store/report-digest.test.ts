import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReportedPf } from '../../core/fleet/host-store.js';
import { hostRenderFactsOf } from '../../core/fleet/host-render-facts.js';
import { deviceSpec } from '../../testing/device-spec.js';
import { NO_LINK, NOT_REPORTED } from '../../testing/reported-devices.js';
import { STORE_KINDS, openTestStore, stopPgCluster } from '../../testing/store-targets.js';

afterAll(stopPgCluster);

const at = (s: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, s)).toISOString();
const pf = (numVfs: number): ReportedPf => ({
  pciAddress: '0000:01:00.0',
  ifname: 'eth1',
  vendorId: '8086',
  deviceId: '1521',
  driver: 'igb',
  totalVfs: 7,
  numVfs,
  numaNode: 0,
  link: NO_LINK,
  eswitchMode: null,
  vfs: Array.from({ length: numVfs }, (_, i) => ({
    index: i,
    pciAddress: `0000:01:10.${i}`,
    reported: NOT_REPORTED,
  })),
});
const report = (numVfs: number, findings: unknown[] = []) => ({
  pfs: [pf(numVfs)],
  numaNodes: [{ node: 0, socket: 0, cpus: 4 }],
  memoryMb: 8192,
  healthy: findings.length === 0,
  findings,
});

describe.each(STORE_KINDS)('a repeated report on %s', (kind) => {
  it('moves only last_seen; a report that differs is synced in full; spec changes need no re-sync', async () => {
    const { store } = await openTestStore(kind);
    try {
      await store.catalog.createPhysnet({ name: 'p1', vlanRanges: [{ min: 100, max: 101 }] });
      await store.hosts.register('h1', {}, at(0));
      await store.catalog.createSpec(
        deviceSpec({ id: 's1', name: 's1', numVfs: 3, createdAt: at(0) }),
      );
      const send = (r: ReturnType<typeof report>, s: number) =>
        store.hosts.report('h1', r, hostRenderFactsOf(r, r.numaNodes), at(s));
      // The row versions (xmin) show whether a statement rewrote the VF rows.
      const vfRows = async () =>
        (
          await sql<{ vf_index: number; physnet: string | null; v: string }>`
            select vf_index, physnet, xmin::text as v from vfs order by vf_index`.execute(store.db)
        ).rows;
      await send(report(3), 1);
      const first = await vfRows();
      expect(first.map((r) => [r.vf_index, r.physnet])).toEqual([
        [0, 'p1'],
        [1, 'p1'],
        [2, 'p1'],
      ]);

      const beat = await send(report(3), 2);
      expect(beat.lastSeen).toBe(at(2));
      expect(await vfRows()).toEqual(first);

      // New findings are a different report: recorded whole.
      const withFinding = report(3, [{ severity: 'error', code: 'X', message: 'x' }]);
      const sick = await send(withFinding, 3);
      expect(sick.reportedHealthy).toBe(false);
      expect(sick.lastSeen).toBe(at(3));

      // A VF gone is seen at once, after any number of repeats.
      await send(report(2), 4);
      expect((await vfRows()).map((r) => r.vf_index)).toEqual([0, 1]);

      // A spec change re-tags the rows itself; the next repeated report leaves them as they are.
      await store.catalog.removeSpec('s1');
      const untagged = await vfRows();
      expect(untagged.map((r) => r.physnet)).toEqual([null, null]);
      await send(report(2), 5);
      expect(await vfRows()).toEqual(untagged);

      // A VF that vanished while held, let go since: only a full sync removes it, so a repeat does.
      await sql`insert into vfs (pf_id, host_id, vf_index, pci_address, numa_node, note)
        select pf_id, host_id, 2, '0000:01:10.2', numa_node, 'not reported by the host'
        from vfs where vf_index = 0`.execute(store.db);
      await send(report(2), 6);
      expect((await vfRows()).map((r) => r.vf_index)).toEqual([0, 1]);
    } finally {
      await store.close();
    }
  }, 60_000);
});
