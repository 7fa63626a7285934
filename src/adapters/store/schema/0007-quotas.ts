import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * Per-tenant quota overrides (docs/controller.md, "Quotas"). A column is
 * null for the controller's default, -1 for no limit; a tenant without a
 * row takes every default. The indexes make the usage counts taken under
 * each write cheap.
 */
const SCHEMA = `
      create table quotas (
        tenant text primary key,
        instances integer check (instances >= -1),
        vfs integer check (vfs >= -1),
        networks integer check (networks >= -1),
        vlans_per_physnet integer check (vlans_per_physnet >= -1)
      );
      create index instances_tenant on instances (tenant) where state <> 'expired';
      create index ports_tenant on ports (tenant);
      create index networks_tenant_physnet on networks (tenant, physnet)
`;

export const quotas: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // PGlite runs one statement per query (extended protocol): split them.
    for (const statement of SCHEMA.split(/;\s*\n/)) {
      if (statement.trim() !== '') await sql.raw(statement).execute(db);
    }
  },
};
