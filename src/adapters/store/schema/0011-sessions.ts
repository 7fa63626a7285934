import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * Dashboard sessions (docs/security.md, "Dashboard sessions"): a browser
 * that signed in with an API token holds a cookie; only the cookie secret's
 * sha256 is kept, so a database leak signs nobody in. A session acts as its
 * token and goes with it: revoking the token deletes its sessions (cascade).
 * The CSRF secret is kept as is: the page reads it back after a reload, and
 * alone it is worth nothing without the cookie.
 */
const SCHEMA = `
      create table sessions (
        id text primary key,
        hash text not null unique,
        token_id text not null references tokens(id) on delete cascade,
        csrf text not null,
        created_at timestamptz not null,
        expires_at timestamptz not null
      );
      create index sessions_token on sessions (token_id);
      create index sessions_expiry on sessions (expires_at)
`;

export const sessions: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // One statement per query, as in the initial migration (PGlite).
    for (const statement of SCHEMA.split(/;\s*\n/)) {
      if (statement.trim() !== '') await sql.raw(statement).execute(db);
    }
  },
};
