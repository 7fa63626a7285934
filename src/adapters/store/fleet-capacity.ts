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
import { healthIs, READY, vfCountColumns, vfCountsOf } from './host-list.js';

/**
 * `GET /v1/capacity`: two aggregate reads (hosts; VFs per physnet and
 * NUMA node, summed to physnets here), none of them per host. Not one
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
  // A VF row carries its PF's NUMA node (inventory-sync.ts writes both from one report): no join.
  // VFs handed to another owner are grouped apart: counted as handedOver, never as schedulable.
  const handed = sql<boolean>`coalesce(vfs.owner, 'vfleet') <> 'vfleet'`;
  const cells = await db
    .selectFrom('vfs')
    .groupBy(['vfs.physnet', 'vfs.numa_node', handed])
    .select(['vfs.physnet', 'vfs.numa_node', handed.as('handed'), ...vfCountColumns('vfs')])
    // NULLS FIRST: the untagged VFs and unknown nodes lead, as they would in a sorted table.
    .orderBy(sql`vfs.physnet nulls first`)
    .orderBy(sql`vfs.numa_node nulls first`)
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

/** Every host's VFs by state, for `--metrics-per-host`: one GROUP BY over the VFs, no join. */
export async function vfsByHost(db: Kysely<Database>): Promise<HostVfCounts[]> {
  const rows = await db
    .selectFrom('vfs')
    .groupBy('vfs.host_id')
    .select(['vfs.host_id', ...vfCountColumns('vfs')])
    .orderBy('vfs.host_id')
    .execute();
  return rows.map((r) => ({ hostId: r.host_id, vfs: vfCountsOf(r) }));
}
