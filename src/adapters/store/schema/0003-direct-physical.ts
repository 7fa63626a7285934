import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * `direct-physical` ports: a spec may offer the PFs it selects whole
 * (`whole_pf`, then num_vfs 0), and a PF row carries the lifecycle of a VF
 * (state, dirty, port, reservation, pending generation, note) so one claim
 * locks PF and VF rows alike. `physnet` is set while a spec offers the PF
 * whole. A port of a whole PF has no MAC of its own (the guest uses the PF's).
 */
export const directPhysical: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const statements = [
      sql`alter table device_specs add column whole_pf boolean not null default false`,
      sql`alter table device_specs add constraint device_specs_whole_pf_no_vfs
            check (not whole_pf or num_vfs = 0)`,
      sql`alter table pfs add column physnet text`,
      sql`alter table pfs add column state text not null default 'free'
            check (state in ('free', 'reserved', 'allocated', 'quarantined'))`,
      sql`alter table pfs add column dirty boolean not null default false`,
      sql`alter table pfs add column port_id text unique`,
      sql`alter table pfs add column reserved_until timestamptz`,
      sql`alter table pfs add column pending_generation integer not null default 0`,
      sql`alter table pfs add column note text`,
      sql`alter table pfs add constraint pfs_held_has_port
            check ((state in ('reserved', 'allocated')) = (port_id is not null))`,
      sql`create index pfs_whole_free on pfs (physnet)
            where physnet is not null and state = 'free' and not dirty`,
      sql`alter table ports alter column mac drop not null`,
    ];
    // PGlite runs one statement per query.
    for (const s of statements) await s.execute(db);
  },
};
