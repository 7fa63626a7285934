import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * Switchdev and vDPA (issue 17). A spec may set its PFs' eswitch mode and
 * ask for a vDPA device on every VF (`eswitch_mode`, `vdpa`). A VF's `/dev/vhost-vdpa-N`, as its agent last
 * reported it, when a vDPA device on the VF is bound to vhost_vdpa. Such a
 * VF serves `vdpa` ports only (its device would go with a vfio hostdev), so
 * the scheduler counts and claims VFs by it: the scheduler's notice trigger
 * on VFs now sees this column too. Trigger bodies are written out, not
 * imported: a released schema version never changes.
 */
const vfColumns = [
  'state',
  'dirty',
  'physnet',
  'trusted',
  'owner',
  'pf_id',
  'numa_node',
  'netdev',
  'vdpa_dev',
];
const differs = vfColumns.map((c) => `o.${c} is distinct from n.${c}`).join(' or ');

const STATEMENTS = [
  `alter table vfs add column vdpa_dev text`,
  `alter table vfs add column representor text`,
  `alter table pfs add column eswitch_mode text`,
  `alter table device_specs add column eswitch_mode text`,
  `alter table device_specs add column vdpa boolean not null default false`,
  `create or replace function vfleet_sched_vfs_upd() returns trigger language plpgsql as $$
   begin
     perform pg_notify('vfleet_hosts', 'sched:' || h) from (
       select o.host_id from old_rows o join new_rows n on n.id = o.id where ${differs}
       union select n.host_id from old_rows o join new_rows n on n.id = o.id where ${differs}
     ) as changed(h) where h is not null;
     return null;
   end $$`,
];

export const vfVdpa: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
  },
};
