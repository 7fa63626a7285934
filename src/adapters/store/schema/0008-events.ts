import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * The event log (docs/controller.md, "Events"). No foreign keys: an event
 * outlives the host, instance or token it names. The indexes serve the
 * filters of GET /v1/events and the purge by age.
 */
const SCHEMA = `
      create table events (
        id serial primary key,
        at timestamptz not null,
        kind text not null,
        host_id text,
        tenant text,
        subject text,
        message text not null,
        data jsonb not null default '{}'
      );
      create index events_at on events (at);
      create index events_host on events (host_id, id);
      create index events_kind on events (kind, id);
      create index events_tenant on events (tenant, id)
`;

export const events: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // PGlite runs one statement per query (extended protocol): split them.
    for (const statement of SCHEMA.split(/;\s*\n/)) {
      if (statement.trim() !== '') await sql.raw(statement).execute(db);
    }
  },
};
