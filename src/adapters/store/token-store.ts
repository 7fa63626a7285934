import type { Kysely } from 'kysely';
import type { TokenStore } from '../../core/fleet/store.js';
import type { Database } from './db-types.js';
import { tokenPage } from './list-pages.js';
import { toToken } from './rows.js';

export function createTokenStore(db: Kysely<Database>): TokenStore {
  return {
    async create(t) {
      const row = await db
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
      return toToken(row);
    },
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
    async remove(id) {
      const r = await db.deleteFrom('tokens').where('id', '=', id).executeTakeFirst();
      return r.numDeletedRows > 0n;
    },
    async count(role) {
      const r = await db
        .selectFrom('tokens')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('role', '=', role)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
  };
}
