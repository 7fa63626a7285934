import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { addVfCounts, NO_VFS } from '../../core/fleet/host-query.js';
import type {
  FleetCapacity,
  HostVfCounts,
  NumaCapacity,
  PhysnetCapacity,
} from '../../core/fleet/host-query.js';
import { HOST_HEALTHS } from '../../core/fleet/model.js';
import type { Database } from './db-types.js';
import { healthIs, READY, vfCountsOf } from './host-list.js';

/** The tallies' buckets summed, named as vfCountsOf (host-list.ts) reads them. */
const sumOf = <A extends string>(bucket: string, as: A) =>
  sql<number>`sum(${sql.ref(`t.${bucket}`)})::int`.as(as);
const tallySums = [
  sumOf('total', 'vf_total'),
  sumOf('free', 'vf_free'),
  sumOf('reserved', 'vf_reserved'),
  sumOf('allocated', 'vf_allocated'),
  sumOf('quarantined', 'vf_quarantined'),
  sumOf('dirty', 'vf_dirty'),
] as const;

/**
 * `GET /v1/capacity`: two aggregate reads (hosts; VFs per physnet and
 * NUMA node from the per-host tallies, summed to physnets here). Not one
 * transaction: a capacity view is a glance, and a VF moving between the
 * reads is told at the next one.
 */
export async function fleetCapacity(
  db: Kysely<Database>,
  staleBefore: string,
): Promise<FleetCapacity> {
  const hosts = await db
    .selectFrom('hosts')
    .select([
      sql<number>`count(*)::int`.as('total'),
      sql<number>`(count(*) filter (where ${READY}))::int`.as('ready'),
      ...HOST_HEALTHS.map((h) =>
        sql<number>`(count(*) filter (where ${healthIs(h, staleBefore)}))::int`.as(h),
      ),
    ])
    .executeTakeFirstOrThrow();
  // The per-host tallies (schema 0019), a few rows a host, summed by cell: not the 128 VF rows
  // of each host. A VF handed to another owner is its own cell: counted as handedOver only.
  const cells = await db
    .selectFrom('vf_tallies as t')
    .groupBy(['t.physnet', 't.numa_node', 't.handed'])
    .select(['t.physnet', 't.numa_node', 't.handed', ...tallySums])
    // A cell whose VFs all went (a host removed, a physnet re-tagged) is no cell.
    .having(sql<boolean>`sum(t.total) > 0`)
    // NULLS FIRST: the untagged VFs and unknown nodes lead, as they would in a sorted table.
    .orderBy(sql`t.physnet nulls first`)
    .orderBy(sql`t.numa_node nulls first`)
    .execute();
  const numa = new Map<string, NumaCapacity>();
  for (const c of cells) {
    const k = JSON.stringify([c.physnet, c.numa_node]);
    const cur = numa.get(k) ?? {
      physnet: c.physnet,
      numaNode: c.numa_node,
      ...NO_VFS,
      handedOver: 0,
    };
    const counts = vfCountsOf(c);
    numa.set(
      k,
      c.handed
        ? { ...cur, handedOver: cur.handedOver + counts.total }
        : { ...cur, ...addVfCounts(cur, counts) },
    );
  }
  const numaNodes = [...numa.values()];
  const physnets = new Map<string | null, PhysnetCapacity>();
  for (const c of numaNodes) {
    const cur = physnets.get(c.physnet) ?? { physnet: c.physnet, ...NO_VFS, handedOver: 0 };
    physnets.set(c.physnet, {
      ...cur,
      ...addVfCounts(cur, c),
      handedOver: cur.handedOver + c.handedOver,
    });
  }
  return {
    hosts: {
      total: hosts.total,
      ready: hosts.ready,
      byHealth: {
        unknown: hosts.unknown,
        healthy: hosts.healthy,
        degraded: hosts.degraded,
        stale: hosts.stale,
      },
    },
    physnets: [...physnets.values()],
    numaNodes,
  };
}

/** Every host's VFs by state, for `--metrics-per-host`: its tallies summed, not its VF rows. */
export async function vfsByHost(db: Kysely<Database>): Promise<HostVfCounts[]> {
  const rows = await db
    .selectFrom('vf_tallies as t')
    .groupBy('t.host_id')
    .select(['t.host_id', ...tallySums])
    .having(sql<boolean>`sum(t.total) > 0`)
    .orderBy('t.host_id')
    .execute();
  return rows.map((r) => ({ hostId: r.host_id, vfs: vfCountsOf(r) }));
}
