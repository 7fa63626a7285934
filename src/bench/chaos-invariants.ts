import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from '../adapters/store/db-types.js';

/**
 * The soak's own connection to the fleet's database, where the invariants
 * are read (application_name vfleet-soak: the faults never end it).
 */
export function invariantReader(url: string): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 2, application_name: 'vfleet-soak' });
  pool.on('error', () => undefined);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** One broken invariant of the fleet, as the chaos soak reports it. */
export interface Violation {
  readonly invariant: string;
  readonly detail: string;
}

/**
 * The fleet's invariants, read from the store in one pass of small
 * queries (the soak runs them every few seconds while it churns and at its
 * end). Each returns the rows that break it, named for people:
 *
 * - no device held twice: one port holding a VF and a whole PF, or a VF
 *   held by one port and for another's migration (a port's two VFs, and a
 *   free device with a port, the schema itself refuses: unique port_id,
 *   check vfs_holder);
 * - no hold without its owner: a device naming a port that is gone;
 * - no instance lost: every live instance's device port holds its device;
 * - no reservation past its time plus `slackMs` (the sweep expires them).
 */
export async function checkInvariants(
  db: Kysely<Database>,
  now: string,
  slackMs: number,
): Promise<Violation[]> {
  const out: Violation[] = [];
  const add = (invariant: string, rows: readonly { detail: string }[]) => {
    for (const r of rows) out.push({ invariant, detail: r.detail });
  };
  add(
    'a port holds one device',
    (
      await sql<{ detail: string }>`
        select 'port ' || port_id || ' holds ' || count(*) || ' devices' as detail
        from (select port_id from vfs where port_id is not null
              union all select port_id from pfs where port_id is not null) d
        group by port_id having count(*) > 1`.execute(db)
    ).rows,
  );
  add(
    'a VF is held by one port',
    (
      await sql<{ detail: string }>`
        select 'VF ' || pci_address || ' on ' || host_id || ' held by port ' || port_id
          || ' and for the migration of port ' || migration_port as detail
        from vfs where port_id is not null and migration_port is not null
          and port_id <> migration_port`.execute(db)
    ).rows,
  );
  add(
    'every hold has its port',
    (
      await sql<{ detail: string }>`
        select 'VF ' || v.pci_address || ' on ' || v.host_id || ' names a port that is gone' as detail
        from vfs v
        where (v.port_id is not null and not exists (select 1 from ports p where p.id = v.port_id))
           or (v.migration_port is not null
               and not exists (select 1 from ports p where p.id = v.migration_port))
        union all
        select 'PF ' || f.pci_address || ' on ' || f.host_id || ' names a port that is gone'
        from pfs f
        where f.port_id is not null and not exists (select 1 from ports p where p.id = f.port_id)`.execute(
        db,
      )
    ).rows,
  );
  add(
    'a live instance holds its devices',
    (
      await sql<{ detail: string }>`
        select 'instance ' || i.name || ' (' || i.state || '): port ' || p.id || ' (' || p.vnic_type
          || ') holds no device' as detail
        from instances i join ports p on p.instance_id = i.id
        where i.state in ('reserved', 'active') and p.vnic_type <> 'normal'
          and not exists (select 1 from vfs v where v.port_id = p.id)
          and not exists (select 1 from pfs f where f.port_id = p.id)`.execute(db)
    ).rows,
  );
  add(
    'no reservation outlives its time',
    (
      await sql<{ detail: string }>`
        select 'instance ' || name || ' reserved until ' || reserved_until as detail
        from instances
        where state = 'reserved' and reserved_until is not null
          and reserved_until < ${now}::timestamptz - make_interval(secs => ${slackMs / 1000})`.execute(
        db,
      )
    ).rows,
  );
  return out;
}

/** At the soak's end: nothing left half done. */
export async function checkSettled(db: Kysely<Database>): Promise<Violation[]> {
  const migrations = await db
    .selectFrom('migrations')
    .select(['id', 'instance_id'])
    .select('state')
    .where('state', 'in', ['running', 'needs-attention'])
    .execute();
  const rollouts = await db
    .selectFrom('rollouts')
    .select(['id', 'state', 'message'])
    .where('state', 'in', ['running', 'paused'])
    .execute();
  return [
    ...migrations.map((m) => ({
      invariant: 'every migration finished or rolled back',
      detail: `migration ${m.id} of instance ${m.instance_id} ${m.state === 'running' ? 'still running' : 'left needing attention (its rollback did not complete)'}`,
    })),
    ...rollouts.map((r) => ({
      invariant: 'every rollout finished or aborted',
      detail: `rollout ${r.id} still ${r.state}${r.message === null ? '' : `: ${r.message}`}`,
    })),
  ];
}
