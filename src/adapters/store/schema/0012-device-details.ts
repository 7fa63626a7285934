import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * What the host map shows of a device beyond its place in the lifecycle, as
 * the agent's last scan reported it (docs/scan-json.md): a PF's link
 * (operstate, IFF_UP, speed) and a VF's bound driver, IOMMU group and
 * netdev. All nullable: an agent from before these fields, or a host that
 * does not report one, leaves it null (never a made-up default).
 */
const SCHEMA = `
      alter table pfs add column link_state text;
      alter table pfs add column admin_up boolean;
      alter table pfs add column speed_mbps integer;
      alter table vfs add column driver text;
      alter table vfs add column iommu_group integer;
      alter table vfs add column netdev text
`;

export const deviceDetails: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // One statement per query, as in the initial migration (PGlite).
    for (const statement of SCHEMA.split(/;\s*\n/)) {
      if (statement.trim() !== '') await sql.raw(statement).execute(db);
    }
  },
};
