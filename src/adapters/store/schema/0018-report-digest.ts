import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * Issue 14 (10,000 idle agents): the digest of the last report recorded in
 * full for a host. An agent's heartbeat
 * repeats its last report; when the digest matches, the controller only
 * moves last_seen instead of rewriting every PF and VF row of the host.
 * Null until the next report: every existing host syncs in full once.
 */
export const reportDigest: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql.raw('alter table hosts add column report_digest text').execute(db);
  },
};
