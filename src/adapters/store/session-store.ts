import { sql, type Kysely } from 'kysely';
import type { SessionStore } from '../../core/fleet/session-store.js';
import type { Database } from './db-types.js';
import { iso, toToken } from './rows.js';

export function createSessionStore(db: Kysely<Database>): SessionStore {
  return {
    async create(s) {
      // One statement: the token row is read and referenced at once, so a token
      // revoked in between leaves no session (and no foreign key error).
      const r = await db
        .insertInto('sessions')
        .columns(['id', 'hash', 'token_id', 'csrf', 'created_at', 'expires_at'])
        .expression((eb) =>
          eb
            .selectFrom('tokens')
            // Parameters in a select list have no type of their own: cast each to its column's.
            .select([
              sql<string>`cast(${s.id} as text)`.as('id'),
              sql<string>`cast(${s.hash} as text)`.as('hash'),
              'tokens.id as token_id',
              sql<string>`cast(${s.csrf} as text)`.as('csrf'),
              sql<string>`cast(${s.now} as timestamptz)`.as('created_at'),
              sql<string>`cast(${s.expiresAt} as timestamptz)`.as('expires_at'),
            ])
            .where('tokens.id', '=', s.tokenId),
        )
        .executeTakeFirst();
      return r.numInsertedOrUpdatedRows === 1n;
    },
    async byHash(hash) {
      const row = await db
        .selectFrom('sessions')
        .innerJoin('tokens', 'tokens.id', 'sessions.token_id')
        .selectAll('tokens')
        .select([
          'sessions.id as session_id',
          'sessions.csrf',
          'sessions.created_at as session_created_at',
          'sessions.expires_at',
        ])
        .where('sessions.hash', '=', hash)
        .executeTakeFirst();
      if (row === undefined) return null;
      return {
        id: row.session_id,
        token: toToken(row),
        csrf: row.csrf,
        createdAt: iso(row.session_created_at),
        expiresAt: iso(row.expires_at),
      };
    },
    async end(id) {
      const r = await db.deleteFrom('sessions').where('id', '=', id).executeTakeFirst();
      return r.numDeletedRows > 0n;
    },
    async purge(now) {
      const r = await db.deleteFrom('sessions').where('expires_at', '<=', new Date(now)).execute();
      return Number(r.reduce((n, x) => n + x.numDeletedRows, 0n));
    },
  };
}
