import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * Issue 14 P8: 0020 published one `(tokens)` for any statement on tokens, so
 * every controller dropped every token it held whenever a token was made.
 * After a fleet's agents joined (a token each), each agent's next request
 * read its token again: at 10,000 agents, a read per request for the first
 * poll cycle after the last join. A token that is not held needs no notice
 * (an unknown hash is never held), so only a changed or deleted token is
 * published, one notice per row, naming it: `(token:ID)`. Cascaded deletes
 * fire row triggers too. The key is written here, not imported: a released
 * schema version never changes.
 */
const STATEMENTS = [
  'drop trigger tokens_notice on tokens',
  'drop function vfleet_notice_tokens()',
  `create function vfleet_notice_token() returns trigger language plpgsql as $$
   begin
     perform pg_notify('vfleet_hosts', '(token:' || old.id || ')');
     return null;
   end $$`,
  `create trigger token_notice after update or delete on tokens
     for each row execute function vfleet_notice_token()`,
];

export const tokenNotices: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
  },
};
