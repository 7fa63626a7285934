import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * Notices for the scheduler's view of the fleet (fleet-view.ts in the
 * controller): on commit, `sched:HOST` for every host whose free capacity,
 * readiness, health, labels or size changed, so each controller re-reads
 * just those hosts instead of the whole fleet. Published by the database on
 * the channel of 0009-host-notices, so no code path can forget one and a
 * claim through one controller reaches the views of all of them.
 *
 * Per statement with transition tables: a report that inserts 128 VFs, or a
 * claim that reserves 8, notifies each host once (PostgreSQL also folds
 * equal payloads of one transaction into one). Heartbeats (last_seen alone)
 * notify nothing: the view reads them in its own slow sweep.
 */
const notifyHosts = (name: string, hostsOf: string) => `
  create function ${name}() returns trigger language plpgsql as $$
  begin
    perform pg_notify('vfleet_hosts', 'sched:' || h) from (${hostsOf}) as changed(h) where h is not null;
    return null;
  end $$`;

const inserted = `select distinct host_id from new_rows`;
const deleted = `select distinct host_id from old_rows`;
/** Rows whose listed columns changed, on either host (an instance may move). */
const updated = (columns: readonly string[]) => {
  const differs = columns.map((c) => `o.${c} is distinct from n.${c}`).join(' or ');
  return `select o.host_id from old_rows o join new_rows n on n.id = o.id where ${differs}
          union select n.host_id from old_rows o join new_rows n on n.id = o.id where ${differs}`;
};

/** The three statement triggers of a table whose rows carry `host_id`. */
const watch = (table: string, columns: readonly string[]) => [
  notifyHosts(`vfleet_sched_${table}_ins`, inserted),
  `create trigger ${table}_sched_ins after insert on ${table}
     referencing new table as new_rows for each statement execute function vfleet_sched_${table}_ins()`,
  notifyHosts(`vfleet_sched_${table}_del`, deleted),
  `create trigger ${table}_sched_del after delete on ${table}
     referencing old table as old_rows for each statement execute function vfleet_sched_${table}_del()`,
  notifyHosts(`vfleet_sched_${table}_upd`, updated(columns)),
  `create trigger ${table}_sched_upd after update on ${table}
     referencing old table as old_rows new table as new_rows
     for each statement execute function vfleet_sched_${table}_upd()`,
];

const hostColumns = [
  'applied_generation',
  'spec_generation',
  'healthy',
  'labels',
  'memory_mb',
  'numa_nodes',
];

// One statement per query (PGlite runs them so).
const STATEMENTS = [
  ...watch('vfs', ['state', 'dirty', 'physnet', 'trusted', 'owner', 'pf_id', 'numa_node']),
  ...watch('pfs', [
    'state',
    'dirty',
    'physnet',
    'owner',
    'port_id',
    'num_vfs',
    'numa_node',
    'pci_address',
  ]),
  ...watch('instances', ['state', 'host_id', 'numa_node', 'vcpus', 'memory_mb']),
  // Hosts: the row is the host (its id is the key).
  `create function vfleet_sched_hosts() returns trigger language plpgsql as $$
   begin
     perform pg_notify('vfleet_hosts', 'sched:' || coalesce(new.id, old.id));
     return null;
   end $$`,
  `create trigger hosts_sched_ins_del after insert or delete on hosts
     for each row execute function vfleet_sched_hosts()`,
  `create trigger hosts_sched_upd after update on hosts for each row
     when ((old.${hostColumns.join(', old.')}) is distinct from (new.${hostColumns.join(', new.')}))
     execute function vfleet_sched_hosts()`,
  // The view's seed, and the re-read of a few hosts, count free VFs per host.
  `create index vfs_free_host on vfs (host_id) where state = 'free' and not dirty and owner = 'vfleet'`,
];

export const schedulerNotices: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
  },
};
