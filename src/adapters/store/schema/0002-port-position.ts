import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/** Ports remember their place in the instance request (answers list them in that order). */
export const portPosition: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`alter table ports add column position integer not null default 0`.execute(db);
  },
};
