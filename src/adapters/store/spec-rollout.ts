import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { SpecRollout } from '../../core/fleet/host-query.js';
import type { Database } from './db-types.js';

interface Row {
  host_id: string;
  pfs: number;
  declared: number;
  made: number;
  whole: number;
  pfs_made: boolean;
  applied_generation: number;
  desired_generation: number;
  last_apply_message: string | null;
  done: boolean;
  hosts: number;
  done_hosts: number;
}

/**
 * `spec --wait`'s summary in one query: the spec's PFs (not every host's),
 * each PF's VF rows counted from its tallies (schema 0019) rather than
 * read, then per host, counted over all of them with only `limit` rows
 * sent back. A PF declares what desiredHostState gives it (views.ts
 * declaredVfs): none while the spec offers it whole or a port holds it
 * whole, else the spec's numVfs.
 */
export async function specRollout(
  db: Kysely<Database>,
  specId: string,
  limit: number,
): Promise<SpecRollout> {
  const { rows } = await sql<Row>`
    with pf as (
      select p.host_id, p.num_vfs,
        case when s.whole_pf or p.port_id is not null then 0 else s.num_vfs end as declared,
        coalesce(t.vf_rows, 0)::int as vf_rows
      from pfs p join device_specs s on s.id = p.spec_id
      -- Summed once for all PFs (a hash join), not looked up PF by PF.
      left join (select pf_id, sum(total) as vf_rows from vf_tallies group by pf_id) t
        on t.pf_id = p.id
      where p.spec_id = ${specId}
    ), per_host as (
      select host_id, count(*)::int as pfs, sum(declared)::int as declared,
        sum(least(vf_rows, declared))::int as made,
        (count(*) filter (where declared = 0))::int as whole,
        bool_and(vf_rows = declared and num_vfs = declared) as pfs_made
      from pf group by host_id
    ), rollout as (
      select r.*, h.applied_generation, h.desired_generation, h.last_apply_message,
        (r.pfs_made and h.applied_generation >= h.desired_generation) as done
      from per_host r join hosts h on h.id = r.host_id
    )
    select *, (count(*) over ())::int as hosts, (count(*) filter (where done) over ())::int as done_hosts
    from rollout order by done, host_id limit ${limit}`.execute(db);
  const top = rows[0];
  return {
    hosts: top?.hosts ?? 0,
    done: top?.done_hosts ?? 0,
    first: rows.map((r) => ({
      hostId: r.host_id,
      pfs: r.pfs,
      declaredVfs: r.declared,
      madeVfs: r.made,
      wholePfs: r.whole,
      pfsMade: r.pfs_made,
      appliedGeneration: r.applied_generation,
      desiredGeneration: r.desired_generation,
      lastApplyMessage: r.last_apply_message,
      done: r.done,
    })),
  };
}
