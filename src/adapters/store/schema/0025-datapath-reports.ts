import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * `vfleet bench datapath` reports (issue 18), kept per host: the report
 * whole as JSON (it is read whole, never queried inside), the newest few
 * per host (the upload deletes the older ones in its transaction). Ids
 * increase with each upload, so "newest" never depends on two clocks
 * agreeing; the index serves both the newest-first list and the trim.
 */
const STATEMENTS = [
  `create table datapath_reports (
     id serial primary key,
     host_id text not null references hosts (id) on delete cascade,
     created_at timestamptz not null,
     report jsonb not null
   )`,
  `create index datapath_reports_host on datapath_reports (host_id, id)`,
];

export const datapathReports: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
  },
};
