import { sql, type Kysely } from 'kysely';
import type { SessionStore } from '../../core/fleet/session-store.js';
import type { Database } from './db-types.js';
import { iso, toToken } from './rows.js';
import { writeAudit } from './audit-scope.js';
import { objectAudit } from './audit-entries.js';

/** A session by its id and token: the cookie and its hash are never kept in the audit. */
const sessionWhat = (id: string, tokenName: string | null) => ({
  type: 'session' as const,
  id,
  name: tokenName,
});

export function createSessionStore(db: Kysely<Database>): SessionStore {
  return {
    create: (s) =>
      db.transaction().execute(async (tx) => {
        // One statement: the token row is read and referenced at once, so a token
        // revoked in between leaves no session (and no foreign key error).
        const r = await tx
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
        const made = r.numInsertedOrUpdatedRows === 1n;
        if (made) {
          const t = await tx
            .selectFrom('tokens')
            .select(['name', 'role', 'tenant'])
            .where('id', '=', s.tokenId)
            .executeTakeFirstOrThrow();
          const after = { tokenName: t.name, createdAt: s.now, expiresAt: s.expiresAt };
          const entry = objectAudit('session.create', sessionWhat(s.id, t.name), null, after);
          // Signing in carries no credential yet: the actor is the token signed in with.
          const actor = { kind: 'token' as const, name: t.name, role: t.role, tenant: t.tenant };
          await writeAudit(tx, [{ ...entry, actor }], s.now);
        }
        return made;
      }),
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
    end: (id) =>
      db.transaction().execute(async (tx) => {
        const gone = await tx
          .deleteFrom('sessions')
          .where('id', '=', id)
          .returning(['token_id', 'created_at', 'expires_at'])
          .execute();
        for (const g of gone) {
          const t = await tx
            .selectFrom('tokens')
            .select('name')
            .where('id', '=', g.token_id)
            .executeTakeFirst();
          const before = {
            tokenName: t?.name ?? null,
            createdAt: iso(g.created_at),
            expiresAt: iso(g.expires_at),
          };
          await writeAudit(tx, [
            objectAudit('session.delete', sessionWhat(id, t?.name ?? null), before, null),
          ]);
        }
        return gone.length > 0;
      }),
    async purge(now) {
      const r = await db.deleteFrom('sessions').where('expires_at', '<=', new Date(now)).execute();
      return Number(r.reduce((n, x) => n + x.numDeletedRows, 0n));
    },
  };
}
