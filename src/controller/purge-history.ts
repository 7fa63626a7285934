import type { Purged } from '../core/fleet/store.js';
import type { ControllerDeps } from './controller-deps.js';

/**
 * The sweep's second half: forgets Idempotency-Keys past their retention
 * and instances that expired more than `instanceRetentionMs` ago (kept
 * until then so `vfleet instance list` shows what lapsed). Live instances
 * are never touched.
 */
export function purgeHistory(deps: ControllerDeps): Promise<Purged> {
  const now = deps.now();
  return deps.store.claims.purge(
    new Date(now).toISOString(),
    new Date(now - deps.config.instanceRetentionMs).toISOString(),
  );
}
