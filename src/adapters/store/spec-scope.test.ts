import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReportedPf } from '../../core/fleet/host-store.js';
import { hostRenderFactsOf } from '../../core/fleet/host-render-facts.js';
import { deviceSpec } from '../../testing/device-spec.js';
import { NO_LINK, NOT_REPORTED } from '../../testing/reported-devices.js';
import { openTestStore, stopPgCluster } from '../../testing/store-targets.js';

afterAll(stopPgCluster);

const at = (s: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, s)).toISOString();
const pf = (bus: number): ReportedPf => {
  const b = bus.toString(16).padStart(2, '0');
  return {
    pciAddress: `0000:${b}:00.0`,
    ifname: 'eth1',
    vendorId: '8086',
    deviceId: '1521',
    driver: 'igb',
    totalVfs: 7,
    numVfs: 4,
    numaNode: 0,
    link: NO_LINK,
    eswitchMode: null,
    vfs: Array.from({ length: 4 }, (_, i) => ({
      index: i,
      pciAddress: `0000:${b}:10.${i}`,
      reported: NOT_REPORTED,
    })),
  };
};
const report = (bus: number) => ({
  pfs: [pf(bus)],
  numaNodes: [{ node: 0, socket: 0, cpus: 4 }],
  memoryMb: 8192,
  healthy: true,
  findings: [],
});
const a = deviceSpec({ id: 'a', name: 'a', pciAddress: '0000:01:*', createdAt: at(0) });
const b = deviceSpec({ id: 'b', name: 'b', pciAddress: '0000:02:*', createdAt: at(1) });

/**
 * The locks of a spec change (spec-scope.ts), on PostgreSQL where they
 * matter: it holds only the hosts its spec selects, and a host whose PFs
 * appear while it waits for the reports tagging now is re-tagged too.
 */
describe('a spec change on postgres', () => {
  it('locks only the hosts its spec selects, and re-tags a host that joined meanwhile', async () => {
    const { store } = await openTestStore('postgres');
    const db = store.db;
    try {
      await store.catalog.createPhysnet({ name: 'p1', vlanRanges: [{ min: 100, max: 101 }] });
      await store.catalog.createPhysnet({ name: 'p2', vlanRanges: [{ min: 200, max: 201 }] });
      await store.catalog.createSpec(a);
      await store.catalog.createSpec(b);
      for (const [host, bus] of [
        ['h1', 1],
        ['h2', 2],
      ] as const) {
        await store.hosts.register(host, {}, at(2));
        const r = report(bus);
        await store.hosts.report(host, r, hostRenderFactsOf(r, r.numaNodes), at(3));
      }
      await store.hosts.register('h3', {}, at(2));
      const gens = async () =>
        Object.fromEntries(
          (await db.selectFrom('hosts').select(['id', 'desired_generation']).execute()).map((h) => [
            h.id,
            h.desired_generation,
          ]),
        );
      const physnets = async (host: string) =>
        (
          await db
            .selectFrom('vfs')
            .select('physnet')
            .where('host_id', '=', host)
            .orderBy('vf_index')
            .execute()
        ).map((v) => v.physnet);
      const before = await gens();

      // h2's row held by another transaction (a claim there): a change of spec a does not wait for it.
      let release: () => void = () => undefined;
      const released = new Promise<void>((r) => (release = r));
      let holding: () => void = () => undefined;
      const held = new Promise<void>((r) => (holding = r));
      const holder = db.transaction().execute(async (tx) => {
        await tx.selectFrom('hosts').select('id').where('id', '=', 'h2').forUpdate().execute();
        holding();
        await released;
      });
      await held;
      await store.catalog.updateSpec({ ...a, vfDriver: 'kernel' });
      release();
      await holder;
      const afterDriver = await gens();
      expect(afterDriver.h1).toBe((before.h1 ?? 0) + 1);
      expect(afterDriver.h2).toBe(before.h2);

      // A report tagging now (it shares the specs lock) whose host's PF spec a selects:
      // the change waits for it, then finds a host it did not lock, and runs again with it.
      let commit: () => void = () => undefined;
      const committing = new Promise<void>((r) => (commit = r));
      let sharing: () => void = () => undefined;
      const shared = new Promise<void>((r) => (sharing = r));
      const joining = db.transaction().execute(async (tx) => {
        await tx.selectFrom('hosts').select('id').where('id', '=', 'h3').forUpdate().execute();
        await sql`select pg_advisory_xact_lock_shared(${0x766_6c65_6574})`.execute(tx);
        sharing();
        await committing;
        const row = await tx
          .insertInto('pfs')
          .values({
            host_id: 'h3',
            pci_address: '0000:01:00.0',
            vendor_id: '8086',
            device_id: '1521',
            driver: 'igb',
            total_vfs: 7,
            num_vfs: 4,
            numa_node: 0,
            spec_id: 'a',
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await tx
          .insertInto('vfs')
          .values(
            [0, 1, 2, 3].map((i) => ({
              pf_id: row.id,
              host_id: 'h3',
              vf_index: i,
              pci_address: `0000:01:10.${i}`,
              numa_node: 0,
              physnet: 'p1',
              port_id: null,
              reserved_until: null,
              note: null,
            })),
          )
          .execute();
      });
      // The report holds the specs lock before the change starts: otherwise the change could
      // take it first, finish, and leave the wait below waiting for nothing.
      await shared;
      const change = store.catalog.updateSpec({ ...a, physnet: 'p2' });
      // Wait until the change waits for the specs lock, so the PF appears behind its back.
      for (;;) {
        const waiting = await sql<{ n: number }>`
          select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`.execute(
          db,
        );
        if ((waiting.rows[0]?.n ?? 0) > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      commit();
      await joining;
      await change;
      expect(await physnets('h1')).toEqual(['p2', 'p2', 'p2', 'p2']);
      expect(await physnets('h3')).toEqual(['p2', 'p2', 'p2', 'p2']);
      expect(await physnets('h2')).toEqual(['p1', 'p1', 'p1', 'p1']);
    } finally {
      await store.close();
    }
  }, 60_000);
});
