import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import type { TokenRole } from '../../core/fleet/model.js';
import type { NewToken, TokenStore } from '../../core/fleet/token-store.js';
import type { Database } from './db-types.js';
import { tokenPage } from './list-pages.js';
import { toToken } from './rows.js';
import { writeAudit } from './audit-scope.js';
import { objectAudit } from './audit-entries.js';
import type { Token } from '../../core/fleet/model.js';

/** A token as the audit keeps it: what it may do, never its secret or the secret's hash. */
const tokenAudit = (action: 'token.create' | 'token.revoke', t: Token) =>
  objectAudit(
    action,
    { type: 'token', id: t.id, name: t.name },
    action === 'token.revoke' ? t : null,
    action === 'token.create' ? t : null,
  );

/** The advisory lock key under which the first admin token is created (any fixed number). */
const FIRST_ADMIN_LOCK = 7_346_510_001;

export function createTokenStore(db: Kysely<Database>): TokenStore {
  return {
    create: (t) =>
      db.transaction().execute(async (tx) => {
        const made = toToken(await insertToken(tx, t));
        await writeAudit(tx, [tokenAudit('token.create', made)], t.now);
        return made;
      }),
    createFirstAdmin: (t, keep) =>
      db.transaction().execute(async (tx) => {
        // Controllers starting at once on an empty database wait here in turn;
        // the lock goes with the transaction, so a crashed controller holds nothing.
        await sql`select pg_advisory_xact_lock(${sql.lit(FIRST_ADMIN_LOCK)})`.execute(tx);
        if ((await countRole(tx, 'admin')) > 0) return false;
        const made = toToken(await insertToken(tx, t));
        await writeAudit(tx, [tokenAudit('token.create', made)], t.now);
        await keep();
        return true;
      }),
    async byHash(hash) {
      const row = await db
        .selectFrom('tokens')
        .selectAll()
        .where('hash', '=', hash)
        .executeTakeFirst();
      return row ? toToken(row) : null;
    },
    async get(id) {
      const row = await db.selectFrom('tokens').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toToken(row) : null;
    },
    page: (q) => tokenPage(db, q),
    revoke: (id) =>
      db.transaction().execute(async (tx) => {
        // Every admin row locked, in one order: a concurrent revoke waits here, then counts
        // without the row this one deleted (READ COMMITTED re-reads locked rows).
        const admins = await tx
          .selectFrom('tokens')
          .select('id')
          .where('role', '=', 'admin')
          .orderBy('id')
          .forUpdate()
          .execute();
        if (admins.some((a) => a.id === id) && admins.length <= 1) return 'last-admin';
        const gone = await tx.deleteFrom('tokens').where('id', '=', id).returningAll().execute();
        for (const row of gone) await writeAudit(tx, [tokenAudit('token.revoke', toToken(row))]);
        return gone.length > 0 ? 'revoked' : 'missing';
      }),
    count: (role) => countRole(db, role),
  };
}

function insertToken(db: Kysely<Database> | Transaction<Database>, t: NewToken) {
  return db
    .insertInto('tokens')
    .values({
      id: t.id,
      name: t.name,
      role: t.role,
      tenant: t.tenant,
      host: t.host,
      hash: t.hash,
      domain_policy: t.domainPolicy ?? 'tenant',
      created_at: t.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

async function countRole(db: Kysely<Database> | Transaction<Database>, role: TokenRole) {
  const r = await db
    .selectFrom('tokens')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('role', '=', role)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
