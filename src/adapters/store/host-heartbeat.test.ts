import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReportedPf } from '../../core/fleet/host-store.js';
import { hostRenderFactsOf } from '../../core/fleet/host-render-facts.js';
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
const report = (numVfs: number) => ({
  pfs: [pf(numVfs)],
  numaNodes: [{ node: 0, socket: 0, cpus: 4 }],
  memoryMb: 8192,
  healthy: true,
  findings: [],
});

describe.each(STORE_KINDS)('heartbeats by digest on %s', (kind) => {
  it('move last_seen only while the host holds the report the digest names, and nothing waits for a full sync', async () => {
    const { store } = await openTestStore(kind);
    try {
      await store.hosts.register('h1', {}, at(0));
      const send = (r: ReturnType<typeof report>, s: number) =>
        store.hosts.report('h1', r, hostRenderFactsOf(r, r.numaNodes), at(s));
      const seen = async () =>
        (
          await sql<{ s: string }>`select to_char(last_seen at time zone 'UTC', 'SS') as s
            from hosts where id = 'h1'`.execute(store.db)
        ).rows[0]?.s;

      // Registered, never reported: there is no report to name.
      expect(await store.hosts.heartbeat('h1', 'anything', at(1))).toBe(false);
      const digest = (await send(report(3), 2)).reportDigest ?? '';
      expect(digest).not.toBe('');
      expect(await store.hosts.heartbeat('h1', digest, at(3))).toBe(true);
      expect(await seen()).toBe('03');
      expect(await store.hosts.heartbeat('h1', 'another report', at(4))).toBe(false);
      expect(await store.hosts.heartbeat('nowhere', digest, at(4))).toBe(false);
      expect(await seen()).toBe('03');

      // A VF that vanished while held, let go since: only a full sync removes it.
      await sql`insert into vfs (pf_id, host_id, vf_index, pci_address, numa_node, note)
        select pf_id, host_id, 5, '0000:01:10.5', numa_node, 'not reported by the host'
        from vfs where vf_index = 0`.execute(store.db);
      expect(await store.hosts.heartbeat('h1', digest, at(5))).toBe(false);
      const same = await send(report(3), 6);
      expect(same.reportDigest).toBe(digest);
      expect(await store.hosts.heartbeat('h1', digest, at(7))).toBe(true);

      // A PF the report does not list, held by no port: the same.
      await sql`insert into pfs (host_id, pci_address, vendor_id, device_id, total_vfs, num_vfs)
        values ('h1', '0000:02:00.0', '8086', '1521', 7, 0)`.execute(store.db);
      expect(await store.hosts.heartbeat('h1', digest, at(8))).toBe(false);
      await send(report(3), 9);
      expect(await store.hosts.heartbeat('h1', digest, at(10))).toBe(true);
      expect(await seen()).toBe('10');

      // Sightings in one statement, never moving last_seen back.
      await store.hosts.register('h2', {}, at(0));
      await store.hosts.writeSightings([
        { id: 'h1', at: at(12) },
        { id: 'h2', at: at(12) },
      ]);
      await store.hosts.writeSightings([{ id: 'h1', at: at(11) }]);
      await store.hosts.writeSightings([]);
      expect(await seen()).toBe('12');
      const h2 = await sql<{ n: number }>`select count(*)::int as n from hosts
        where id = 'h2' and last_seen = ${at(12)}::timestamptz`.execute(store.db);
      expect(h2.rows[0]?.n).toBe(1);
    } finally {
      await store.close();
    }
  }, 60_000);
});
