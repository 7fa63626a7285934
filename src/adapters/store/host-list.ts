import { sql } from 'kysely';
import type { Kysely, RawBuilder } from 'kysely';
import { NO_VFS } from '../../core/fleet/host-query.js';
import type { HostCounts, HostFilter } from '../../core/fleet/host-query.js';
import type { Host, HostHealth } from '../../core/fleet/model.js';
import { pageOf } from '../../core/fleet/page.js';
import type { Page, PageQuery } from '../../core/fleet/page.js';
import type { Database } from './db-types.js';
import { afterKey } from './keyset.js';
import type { KeyColumn } from './keyset.js';
import { toHost } from './rows.js';

/**
 * `GET /v1/hosts`: one keyset page in the asked order, every filter in the
 * WHERE clause (never applied to a page after reading it, which would
 * leave pages short and cursors wrong), and the page's counts in one
 * grouped query.
 */

/**
 * A never-seen host sorts as seen at the epoch: first by lastSeen, last by
 * -lastSeen. Written as a literal (not a parameter) so that an index on
 * this expression, should the fleet outgrow a sort of its hosts, serves it.
 */
const SEEN = sql`coalesce(last_seen, 'epoch'::timestamptz)`;
const ID: KeyColumn[] = [{ ref: 'id' }];

/**
 * hostHealth() (core/fleet/model.ts) as SQL over the row: unknown before a
 * report, stale when last seen before `staleBefore`, else what the report said.
 */
export function healthIs(health: HostHealth, staleBefore: string): RawBuilder<boolean> {
  const sb = sql`${staleBefore}::timestamptz`;
  switch (health) {
    case 'unknown':
      return sql<boolean>`(last_seen is null or healthy is null)`;
    case 'stale':
      return sql<boolean>`(healthy is not null and last_seen < ${sb})`;
    case 'healthy':
      return sql<boolean>`(healthy and last_seen >= ${sb})`;
    case 'degraded':
      return sql<boolean>`(not healthy and last_seen >= ${sb})`;
  }
}

/** Declared state applied (rows.ts toHost: `ready`). */
export const READY = sql<boolean>`(applied_generation >= spec_generation)`;

export async function hostPage(
  db: Kysely<Database>,
  q: PageQuery,
  f: HostFilter,
): Promise<Page<Host>> {
  const bySeen = f.sort === 'lastSeen' || f.sort === '-lastSeen';
  const desc = f.sort.startsWith('-');
  const dir = desc ? 'desc' : 'asc';
  let s = db
    .selectFrom('hosts')
    .selectAll()
    // The cursor's timestamp as PostgreSQL writes it, so microseconds survive the trip.
    .select(sql<string>`${SEEN}::text`.as('seen_key'))
    .limit(q.limit + 1);
  if (bySeen) s = s.orderBy(SEEN, dir);
  s = s.orderBy('id', dir);
  if (q.after !== null)
    s = s.where(
      bySeen
        ? sql<boolean>`(${SEEN}, id) ${sql.raw(desc ? '<' : '>')} (${q.after[0] ?? null}::timestamptz, ${q.after[1] ?? null})`
        : afterKey(ID, q.after, desc),
    );
  if (f.label !== null)
    s = s.where(sql<boolean>`labels @> ${JSON.stringify({ [f.label[0]]: f.label[1] })}::jsonb`);
  if (f.text !== null) s = s.where(sql<boolean>`strpos(lower(id), ${f.text.toLowerCase()}) > 0`);
  if (f.health !== null) s = s.where(healthIs(f.health, f.staleBefore));
  if (f.ready !== null) s = s.where(f.ready ? READY : sql<boolean>`not ${READY}`);
  return pageOf(await s.execute(), q.limit, (r) => (bySeen ? [r.seen_key, r.id] : [r.id]), toHost);
}

/**
 * PFs, and VFs by lifecycle, of the given hosts: two grouped queries however
 * many hosts. The VFs' are answered from the index vfs_host_state (host,
 * state, dirty) alone, without reading the 128 VF rows of each host (the
 * page's main cost at 64 VFs per PF when it joined PFs to VF rows).
 */
export async function hostCounts(
  db: Kysely<Database>,
  ids: readonly string[],
): Promise<HostCounts[]> {
  if (ids.length === 0) return [];
  const pfs = await db
    .selectFrom('pfs')
    .where('pfs.host_id', 'in', ids)
    .groupBy('pfs.host_id')
    .select(['pfs.host_id', sql<number>`count(*)::int`.as('pf_count')])
    .execute();
  const vfs = await db
    .selectFrom('vfs')
    .where('vfs.host_id', 'in', ids)
    .groupBy('vfs.host_id')
    .select(['vfs.host_id', ...vfCountColumns('vfs', true)])
    .execute();
  const byHost = new Map(vfs.map((r) => [r.host_id, vfCountsOf(r)]));
  // A host with PFs and no VF yet counts zero VFs, as the outer join did.
  return pfs.map((r) => ({
    hostId: r.host_id,
    pfCount: r.pf_count,
    vfs: byHost.get(r.host_id) ?? NO_VFS,
  }));
}

/**
 * The VfCounts buckets as aggregate columns over `t` (vfs, or its alias).
 * `rowsAreVfs`: every row is a VF (no outer join), so the total is count(*),
 * which an index-only scan answers.
 */
export function vfCountColumns(t: string, rowsAreVfs = false) {
  const n = <A extends string>(cond: RawBuilder<unknown> | null, as: A) =>
    (cond === null
      ? rowsAreVfs
        ? sql<number>`count(*)::int`
        : sql<number>`count(${sql.ref(`${t}.id`)})::int`
      : sql<number>`(count(*) filter (where ${cond}))::int`
    ).as(as);
  const state = sql.ref(`${t}.state`);
  const dirty = sql.ref(`${t}.dirty`);
  return [
    n(null, 'vf_total'),
    n(sql`${state} = 'free' and not ${dirty}`, 'vf_free'),
    n(sql`${state} = 'reserved'`, 'vf_reserved'),
    n(sql`${state} = 'allocated'`, 'vf_allocated'),
    n(sql`${state} = 'quarantined'`, 'vf_quarantined'),
    n(sql`${state} = 'free' and ${dirty}`, 'vf_dirty'),
  ] as const;
}

export const vfCountsOf = (r: {
  vf_total: number;
  vf_free: number;
  vf_reserved: number;
  vf_allocated: number;
  vf_quarantined: number;
  vf_dirty: number;
}) => ({
  total: r.vf_total,
  free: r.vf_free,
  reserved: r.vf_reserved,
  allocated: r.vf_allocated,
  quarantined: r.vf_quarantined,
  dirty: r.vf_dirty,
});
