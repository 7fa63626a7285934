import type { Purged } from '../core/fleet/claim-store.js';
import type { ControllerDeps } from './controller-deps.js';

/**
 * The sweep's second half: forgets Idempotency-Keys past their retention
 * and instances that expired more than `instanceRetentionMs` ago (kept
 * until then so `vfleet instance list` shows what lapsed). Live instances
 * are never touched. Events go after `eventRetentionMs`, or beyond the
 * newest `eventMaxRows`. Expired dashboard sessions go at once; audit
 * records after `auditRetentionMs`.
 */
export async function purgeHistory(
  deps: ControllerDeps,
): Promise<Purged & { events: number; sessions: number; audit: number }> {
  const now = deps.now();
  const purged = await deps.store.claims.purge(
    new Date(now).toISOString(),
    new Date(now - deps.config.instanceRetentionMs).toISOString(),
  );
  // The event log is bounded by age and by rows (a flood of refusals cannot grow it for 7 days).
  const events = await deps.store.events.purge(
    new Date(now - deps.config.eventRetentionMs).toISOString(),
    deps.config.eventMaxRows,
  );
  // Expired dashboard sessions are refused already; the rows go too.
  const sessions = await deps.store.sessions.purge(new Date(now).toISOString());
  // The audit log is bounded by age only: a row bound would drop the record someone looks for.
  const audit = await deps.store.audit.purge(
    new Date(now - deps.config.auditRetentionMs).toISOString(),
  );
  return { ...purged, events, sessions, audit };
}
