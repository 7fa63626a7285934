import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * Day-2 operations on hosts (issue 16): cordon (no new placements), drain
 * (every instance live-migrated away, its progress kept in `host_drains` so
 * any controller, after a restart too, carries it on), and allocation
 * rules (CPU and memory ratios, CPUs and memory held for the host itself).
 *
 * The scheduler's notices learn two more things: a host's `cordoned`
 * flag, and a VF's `netdev` (placement now asks for a netdev for macvtap
 * ports, and a driver rebind changes only that column). A rule change
 * reaches every view through one `sched:*` notice, sent on commit: it may
 * change every host's capacity. Trigger bodies are written out here, not
 * imported: a released schema version never changes.
 */
const hostColumns = [
  'applied_generation',
  'spec_generation',
  'healthy',
  'labels',
  'memory_mb',
  'numa_nodes',
  'cordoned',
];

const vfColumns = ['state', 'dirty', 'physnet', 'trusted', 'owner', 'pf_id', 'numa_node', 'netdev'];
const differs = vfColumns.map((c) => `o.${c} is distinct from n.${c}`).join(' or ');

const STATEMENTS = [
  `alter table hosts add column cordoned boolean not null default false`,
  `alter table hosts add column cordon_reason text`,
  `alter table hosts add column cordoned_at timestamptz`,
  `create table host_drains (
     host_id text primary key references hosts (id) on delete cascade,
     state text not null,
     max_parallel integer not null,
     started_at timestamptz not null,
     updated_at timestamptz not null,
     finished_at timestamptz,
     blocked jsonb not null default '[]',
     message text
   )`,
  `create table allocation_rules (
     name text primary key,
     host text,
     host_labels jsonb not null default '{}',
     cpu_ratio double precision not null,
     memory_ratio double precision not null,
     reserved_cpus jsonb not null default '[]',
     reserved_memory_mb integer not null,
     created_at timestamptz not null
   )`,
  'drop trigger hosts_sched_upd on hosts',
  `create trigger hosts_sched_upd after update on hosts for each row
     when ((old.${hostColumns.join(', old.')}) is distinct from (new.${hostColumns.join(', new.')}))
     execute function vfleet_sched_hosts()`,
  `create or replace function vfleet_sched_vfs_upd() returns trigger language plpgsql as $$
   begin
     perform pg_notify('vfleet_hosts', 'sched:' || h) from (
       select o.host_id from old_rows o join new_rows n on n.id = o.id where ${differs}
       union select n.host_id from old_rows o join new_rows n on n.id = o.id where ${differs}
     ) as changed(h) where h is not null;
     return null;
   end $$`,
  `create function vfleet_sched_allocation() returns trigger language plpgsql as $$
   begin
     perform pg_notify('vfleet_hosts', 'sched:*');
     return null;
   end $$`,
  `create trigger allocation_rules_sched after insert or update or delete on allocation_rules
     for each statement execute function vfleet_sched_allocation()`,
];

export const hostMaintenance: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
  },
};
