import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * Issue 14 P8: a controller keeps the tokens it has looked up in memory
 * (token-cache.ts in the controller) instead of reading the token on every
 * request. So that a revoke still takes effect at once on every controller,
 * the database publishes `(tokens)` on commit of any statement that adds,
 * changes or deletes a token, on the channel of 0009-host-notices, and every
 * controller drops its cache when it hears it. Per statement, not per row,
 * and one key for all tokens: tokens change rarely, and a whole cache read
 * again costs one lookup per caller. No host id has parentheses. The key is
 * written here, not imported: a released schema version never changes.
 */
const STATEMENTS = [
  `create function vfleet_notice_tokens() returns trigger language plpgsql as $$
   begin
     perform pg_notify('vfleet_hosts', '(tokens)');
     return null;
   end $$`,
  `create trigger tokens_notice after insert or update or delete on tokens
     for each statement execute function vfleet_notice_tokens()`,
];

export const tokensNotices: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
  },
};
