import { createHash } from 'node:crypto';
import { VfleetError } from '../core/errors.js';
import type { Token } from '../core/fleet/model.js';
import type { InstanceView, NewIdempotencyKey } from '../core/fleet/claim-store.js';
import type { ControllerDeps } from './controller-deps.js';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/** What a key is stored under and checked against. */
export function keyFor(
  deps: ControllerDeps,
  who: Token,
  key: string,
  request: unknown,
): NewIdempotencyKey {
  return {
    // Tenant tokens of one tenant share keys; an admin's keys are its token's.
    scope: who.role === 'tenant' ? `tenant:${who.tenant ?? ''}` : `token:${who.id}`,
    key,
    requestHash: createHash('sha256').update(canonicalJson(request)).digest('hex'),
    expiresAt: new Date(deps.now() + deps.config.idempotencyRetentionMs).toISOString(),
  };
}

/** The instance an earlier request with this key created, or null if there is none (any more). */
export async function replay(
  deps: ControllerDeps,
  k: NewIdempotencyKey,
): Promise<InstanceView | null> {
  const found = await deps.store.claims.idempotencyKey(
    k.scope,
    k.key,
    new Date(deps.now()).toISOString(),
  );
  if (found === null) return null;
  if (found.requestHash !== k.requestHash) {
    throw new VfleetError(
      'CONFLICT',
      `${IDEMPOTENCY_HEADER} "${k.key}" was used for another request; use a new key for a new request`,
      { field: IDEMPOTENCY_HEADER, instance: found.instanceId },
    );
  }
  return deps.store.claims.getInstance(found.instanceId);
}

/** JSON with object keys sorted: one text per request, whatever the key order sent. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  // A parsed request holds JSON values only (undefined object fields were left out above).
  return JSON.stringify(v);
}
