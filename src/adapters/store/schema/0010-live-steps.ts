import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * Live migrations that survive their controller (docs/libvirt.md, "Live
 * migration"): the state machine's value (plan, step, direction, pending
 * effect) in the migration's row, and a lease naming the controller that
 * advances it until `lease_until`; past it, any controller takes over.
 */
const SCHEMA = `
      alter table migrations add column live_state jsonb;
      alter table migrations add column lease_owner text;
      alter table migrations add column lease_until timestamptz;
      create index migrations_running on migrations (lease_until) where state = 'running'
`;

export const liveSteps: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // One statement per query, as in the initial migration (PGlite).
    for (const statement of SCHEMA.split(/;\s*\n/)) {
      if (statement.trim() !== '') await sql.raw(statement).execute(db);
    }
  },
};
