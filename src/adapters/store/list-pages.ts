import { sql } from 'kysely';
import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { Network, Physnet, DeviceSpec, Token } from '../../core/fleet/model.js';
import { pageOf } from '../../core/fleet/page.js';
import type { Page, PageQuery } from '../../core/fleet/page.js';
import type { Database } from './db-types.js';
import { afterKey, keyOrder, keyText } from './keyset.js';
import type { KeyColumn } from './keyset.js';
import { toNetwork, toSpec, toToken } from './rows.js';

/**
 * The API's lists, one page each: a keyset query (`WHERE key > cursor
 * ORDER BY key LIMIT n + 1`), never a full read. Each key is unique, so a
 * walk sees every row that stays put exactly once, whatever is inserted
 * meanwhile.
 */

export const AGE: KeyColumn = { ref: 'created_at', timestamp: true };
export const BY_AGE: KeyColumn[] = [AGE, { ref: 'id' }];

/**
 * Oldest first, by (created_at, id) of `from`'s table. `from` selects
 * `age_key`, created_at as PostgreSQL's text of it (keyText), for the cursor.
 */
async function byAgePage<DB, TB extends keyof DB, O extends { id: string; age_key: string }, R>(
  from: SelectQueryBuilder<DB, TB, O>,
  q: PageQuery,
  map: (r: O) => R,
): Promise<Page<R>> {
  let s = from
    .orderBy(keyOrder(AGE))
    .orderBy(sql.ref('id'))
    .limit(q.limit + 1);
  if (q.after !== null) s = s.where(afterKey(BY_AGE, q.after));
  return pageOf(await s.execute(), q.limit, (r) => [r.age_key, r.id], map);
}

const AGE_KEY = keyText(AGE).as('age_key');

export const specPage = (db: Kysely<Database>, q: PageQuery): Promise<Page<DeviceSpec>> =>
  byAgePage(db.selectFrom('device_specs').selectAll().select(AGE_KEY), q, toSpec);

export async function physnetPage(db: Kysely<Database>, q: PageQuery): Promise<Page<Physnet>> {
  let s = db
    .selectFrom('physnets')
    .selectAll()
    .orderBy('name')
    .limit(q.limit + 1);
  if (q.after !== null) s = s.where(afterKey([{ ref: 'name' }], q.after));
  return pageOf(
    await s.execute(),
    q.limit,
    (r) => [r.name],
    (r) => ({ name: r.name, vlanRanges: r.vlan_ranges }),
  );
}

export async function networkPage(
  db: Kysely<Database>,
  tenant: string | null,
  q: PageQuery,
): Promise<Page<Network>> {
  let s = db
    .selectFrom('networks')
    .selectAll()
    .orderBy('tenant')
    .orderBy('name')
    .limit(q.limit + 1);
  if (tenant !== null) s = s.where('tenant', '=', tenant);
  if (q.after !== null) s = s.where(afterKey([{ ref: 'tenant' }, { ref: 'name' }], q.after));
  return pageOf(await s.execute(), q.limit, (r) => [r.tenant, r.name], toNetwork);
}

export const tokenPage = (db: Kysely<Database>, q: PageQuery): Promise<Page<Token>> =>
  byAgePage(db.selectFrom('tokens').selectAll().select(AGE_KEY), q, toToken);

/** Ports in the order the unpaged list had: by tenant, instance, place in the instance. */
export const PORT_INSTANCE: KeyColumn = { ref: 'ports.instance_id', nullAs: '' };
export const PORT_KEY: KeyColumn[] = [
  { ref: 'ports.tenant' },
  PORT_INSTANCE,
  { ref: 'ports.position' },
  { ref: 'ports.id' },
];
