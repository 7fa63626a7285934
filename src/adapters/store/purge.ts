import { sql, type Kysely } from 'kysely';
import type { IdempotencyRecord, Purged } from '../../core/fleet/claim-store.js';
import type { Database } from './db-types.js';

/** The unexpired Idempotency-Key `key` of `scope`, or null. */
export async function findIdempotencyKey(
  db: Kysely<Database>,
  scope: string,
  key: string,
  now: string,
): Promise<IdempotencyRecord | null> {
  const row = await db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'instance_id'])
    .where('scope', '=', scope)
    .where('key', '=', key)
    .where('expires_at', '>', new Date(now))
    .executeTakeFirst();
  return row ? { requestHash: row.request_hash, instanceId: row.instance_id } : null;
}

/**
 * Drops expired Idempotency-Keys and instances whose reservation expired
 * before `expiredBefore` (their ports went at expiry; any left, their keys
 * and migrations go by cascade). Reserved and active instances are never
 * touched, nor an expired one with a domain record: that one waits for its
 * DELETE, which removes the domain first.
 */
export async function purgeHistory(
  db: Kysely<Database>,
  now: string,
  expiredBefore: string,
): Promise<Purged> {
  const keys = await db
    .deleteFrom('idempotency_keys')
    .where('expires_at', '<=', new Date(now))
    .execute();
  const gone = await db
    .deleteFrom('instances')
    .where('state', '=', 'expired')
    // Expired before migration 0006: no expiry time; their creation is older still.
    .where(sql<Date>`coalesce(expired_at, created_at)`, '<', new Date(expiredBefore))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('instance_vms')
            .select('instance_id')
            .whereRef('instance_vms.instance_id', '=', 'instances.id'),
        ),
      ),
    )
    .returning('id')
    .execute();
  return {
    instances: gone.map((r) => r.id),
    keys: keys.reduce((n, r) => n + Number(r.numDeletedRows), 0),
  };
}
