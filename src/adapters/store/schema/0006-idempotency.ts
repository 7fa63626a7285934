import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * Idempotency keys of `POST /v1/instances` (per tenant, or per token for
 * admins): written in the claim's transaction, so a key and its instance
 * exist together or not at all (the key first, so duplicates queue on it:
 * its reference is checked at commit); they go with their instance and are purged
 * after the retention. Instances remember when their reservation expired, so
 * the sweep can drop them a retention later.
 */
const SCHEMA = `
      create table idempotency_keys (
        scope text not null,
        key text not null,
        request_hash text not null,
        instance_id text not null references instances(id) on delete cascade
          deferrable initially deferred,
        created_at timestamptz not null,
        expires_at timestamptz not null,
        primary key (scope, key)
      );
      create index idempotency_keys_expiry on idempotency_keys (expires_at);
      create index idempotency_keys_instance on idempotency_keys (instance_id);
      alter table instances add column expired_at timestamptz
`;

export const idempotency: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // One statement per query, as in the initial migration (PGlite).
    for (const statement of SCHEMA.split(/;\s*\n/)) {
      if (statement.trim() !== '') await sql.raw(statement).execute(db);
    }
  },
};
