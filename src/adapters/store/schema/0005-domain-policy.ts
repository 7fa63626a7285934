import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * Each token's domain policy (docs/security.md, "Domains and images"):
 * `tenant` for every token, existing ones included, unless an admin created
 * it `trusted`. Instances record theirs in `instance_vms.boot`.
 */
export const domainPolicy: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`alter table tokens add column domain_policy text not null default 'tenant'
      check (domain_policy in ('tenant', 'trusted'))`.execute(db);
  },
};
