import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * Ownership of VFs (issue 13): a spec hands the VFs (or whole PFs) it
 * selects to one owner, and each VF and PF row carries the owner of the
 * spec that tags it, beside its physnet and trust, so a claim filters on
 * the row alone. Every spec and tagged row of an existing database was
 * vfleet's: they become `vfleet`. `bandwidth` is the spec's offered
 * bandwidth per PF ({egressMbps, ingressMbps}), null when not said.
 */
const OWNERS = `('vfleet', 'openstack', 'kubernetes', 'libvirt-pool')`;

const SCHEMA = `
      alter table device_specs add column owner text not null default 'vfleet'
        check (owner in ${OWNERS});
      alter table device_specs add column bandwidth jsonb;
      alter table vfs add column owner text check (owner in ${OWNERS});
      update vfs set owner = 'vfleet' where physnet is not null;
      alter table pfs add column owner text check (owner in ${OWNERS});
      update pfs set owner = 'vfleet' where physnet is not null
`;

export const vfOwners: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // One statement per query, as in the initial migration (PGlite).
    for (const statement of SCHEMA.split(/;\s*\n/)) {
      if (statement.trim() !== '') await sql.raw(statement).execute(db);
    }
  },
};
