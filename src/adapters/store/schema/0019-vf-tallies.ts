import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * Issue 14 (no whole-fleet read on a request's path): the VFs of each PF
 * counted by capacity cell (physnet, NUMA node, handed to another owner or
 * not) and lifecycle bucket, kept by the database itself. Per PF rather
 * than per host so that `spec --wait`'s summary (spec-rollout.ts) knows
 * how many VFs each PF has made without reading them: a PF's VFs share
 * its NUMA node and mostly its physnet, so at two PFs on two nodes a host
 * has as many rows either way. `GET
 * /v1/capacity` and the fleet gauges of `/metrics` sum these rows (a few
 * per host) instead of grouping every VF row (128 per host).
 *
 * Kept by statement triggers with transition tables on `vfs` (the pattern
 * of 0016-scheduler-notices), so every writer of VFs, present and future,
 * keeps them without knowing of them, in its own transaction: a count is
 * never ahead of or behind the rows it counts. A statement that changes
 * none of the counted columns (a report's notes, a reservation's deadline)
 * nets to zero per cell and writes nothing.
 *
 * Per host and PF, not per cell of the fleet: a fleet-wide row would be one lock
 * that every claim on every host waits for. A host's rows are written only
 * by transactions that change that host's VFs, and those already hold the
 * host row first (claims, releases, reports, spec changes: "host first"),
 * so the tally adds no wait and no lock order that was not there. The rows
 * are upserted sorted by key, so two statements never take them crosswise.
 */

/** The counted columns of `vfs`; the buckets split `total` as vfCountColumns (host-list.ts) does. */
const delta = (rows: string, sign: string) => `
  select host_id, pf_id, physnet, numa_node, coalesce(owner, 'vfleet') <> 'vfleet' as handed,
    ${sign} as total,
    case when state = 'free' and not dirty then ${sign} else 0 end as free,
    case when state = 'reserved' then ${sign} else 0 end as reserved,
    case when state = 'allocated' then ${sign} else 0 end as allocated,
    case when state = 'quarantined' then ${sign} else 0 end as quarantined,
    case when state = 'free' and dirty then ${sign} else 0 end as dirty
  from ${rows}`;

const BUCKETS = ['total', 'free', 'reserved', 'allocated', 'quarantined', 'dirty'];
const KEY = 'host_id, pf_id, physnet, numa_node, handed';

/** Adds the statement's net change per cell; a cell left empty is dropped (a host gone, a physnet moved). */
const apply = (changes: string) => `
  insert into vf_tallies as t (${KEY}, ${BUCKETS.join(', ')})
  select ${KEY}, ${BUCKETS.map((b) => `sum(${b})`).join(', ')}
  from (${changes}) d
  group by ${KEY}
  having ${BUCKETS.map((b) => `sum(${b}) <> 0`).join(' or ')}
  order by ${KEY}
  on conflict (${KEY}) do update set
    ${BUCKETS.map((b) => `${b} = t.${b} + excluded.${b}`).join(', ')};
  delete from vf_tallies t where t.total = 0 and t.host_id in (select host_id from (${changes}) e)`;

const tally = (name: string, changes: string) => `
  create function ${name}() returns trigger language plpgsql as $$
  begin
    ${apply(changes)};
    return null;
  end $$`;

// One statement per query (PGlite runs them so).
const STATEMENTS = [
  `create table vf_tallies (
     host_id text not null,
     pf_id integer not null,
     physnet text,
     numa_node integer,
     handed boolean not null,
     ${BUCKETS.map((b) => `${b} integer not null`).join(',\n     ')}
   )`,
  // NULLS NOT DISTINCT: untagged VFs (no physnet) and unknown nodes are cells like any other.
  `create unique index vf_tallies_key on vf_tallies (${KEY}) nulls not distinct`,
  tally('vfleet_vf_tally_ins', delta('new_rows', '1')),
  `create trigger vfs_tally_ins after insert on vfs
     referencing new table as new_rows for each statement execute function vfleet_vf_tally_ins()`,
  tally('vfleet_vf_tally_del', delta('old_rows', '-1')),
  `create trigger vfs_tally_del after delete on vfs
     referencing old table as old_rows for each statement execute function vfleet_vf_tally_del()`,
  tally('vfleet_vf_tally_upd', `${delta('new_rows', '1')} union all ${delta('old_rows', '-1')}`),
  `create trigger vfs_tally_upd after update on vfs
     referencing old table as old_rows new table as new_rows
     for each statement execute function vfleet_vf_tally_upd()`,
  // The VFs already there, counted once.
  `insert into vf_tallies (${KEY}, ${BUCKETS.join(', ')})
   select ${KEY}, ${BUCKETS.map((b) => `sum(${b})`).join(', ')}
   from (${delta('vfs', '1')}) d group by ${KEY}`,
];

export const vfTallies: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
  },
};
