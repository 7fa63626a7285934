import type { ClaimOutcome } from '../core/fleet/claim-store.js';
import type { FleetStore } from '../core/fleet/store.js';

type LostReason = Extract<ClaimOutcome, { ok: false }>['lost'];

/**
 * Counts the claims the store turns down, by reason, from now on: a test of
 * concurrent requests shows with it that races reached the claim's SQL (and
 * were refused there), not only that the end state is right.
 */
export function countClaimLosses(store: FleetStore): ReadonlyMap<LostReason, number> {
  const losses = new Map<LostReason, number>();
  const claims = store.claims;
  const claim = claims.claim.bind(claims);
  claims.claim = async (c) => {
    const r = await claim(c);
    if (!r.ok) losses.set(r.lost, (losses.get(r.lost) ?? 0) + 1);
    return r;
  };
  return losses;
}
