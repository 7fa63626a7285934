import type { ClaimStore } from '../core/fleet/claim-store.js';
import { afterClaim } from '../core/scheduler/snapshot.js';
import type { CandidateHost, Placement } from '../core/scheduler/types.js';

/**
 * The scheduler's view of the fleet, read from the store at most every
 * `maxAgeMs` and kept up to date with this controller's own claims in
 * between. Reading it costs a count over every free VF (about half a second
 * at 10,000 hosts x 128 VFs), so it is not done per request, and requests
 * that need a read at the same time share one.
 *
 * A snapshot may be stale; it never decides alone. Claims re-check every
 * VF under row locks in their transaction (a stale snapshot costs a lost
 * claim, which drops the snapshot), and the caller answers NO_CAPACITY only
 * from a snapshot whose read began after its request did (`since`).
 */
export interface CandidateCache {
  /** Monotonic milliseconds, for `since`. */
  clock(): number;
  /** A snapshot; with `since`, one whose read began at or after it. */
  get(
    physnets: readonly string[],
    staleBefore: string,
    since?: number,
  ): Promise<{ hosts: readonly CandidateHost[]; readAt: number }>;
  /** One of our claims won: its VFs, vCPUs and memory are no longer free. */
  claimed(placement: Placement, vcpus: number, memoryMb: number): void;
  /** A claim lost a race: the snapshot is wrong somewhere; read again. */
  invalidate(): void;
}

interface Snapshot {
  hosts: readonly CandidateHost[];
  /** When its read began. */
  readAt: number;
}

export function createCandidateCache(
  claims: Pick<ClaimStore, 'candidates'>,
  maxAgeMs: number,
  /** Monotonic (not the controller's clock, which tests hold still). */
  tick: () => number,
): CandidateCache {
  const snapshots = new Map<string, Snapshot>();
  const reading = new Map<string, { readAt: number; done: Promise<Snapshot> }>();
  let epoch = 0;

  const read = (key: string, physnets: readonly string[], staleBefore: string) => {
    const started = epoch;
    const readAt = tick();
    const done = claims.candidates(physnets, staleBefore).then((hosts) => {
      const s = { hosts, readAt };
      // A claim of ours that committed during the read may be missing: that only
      // over-counts, which a lost claim corrects. A loss during it: known wrong, not kept.
      if (epoch === started) snapshots.set(key, s);
      return s;
    });
    const entry = { readAt, done };
    reading.set(key, entry);
    void done
      .finally(() => {
        if (reading.get(key) === entry) reading.delete(key);
      })
      .catch(() => undefined);
    return done;
  };

  return {
    clock: tick,
    async get(physnets, staleBefore, since) {
      const key = [...new Set(physnets)].sort().join('\n');
      const now = tick();
      const s = snapshots.get(key);
      if (
        s !== undefined &&
        now - s.readAt < maxAgeMs &&
        (since === undefined || s.readAt >= since)
      )
        return s;
      const pending = reading.get(key);
      if (pending !== undefined && (since === undefined || pending.readAt >= since))
        return pending.done;
      return read(key, physnets, staleBefore);
    },
    claimed(placement, vcpus, memoryMb) {
      for (const s of snapshots.values()) s.hosts = afterClaim(s.hosts, placement, vcpus, memoryMb);
    },
    invalidate() {
      epoch++;
      snapshots.clear();
      reading.clear();
    },
  };
}

/** No cache: every round reads the store (maxAgeMs 0). */
export const uncached = (
  claims: Pick<ClaimStore, 'candidates'>,
  tick: () => number,
): CandidateCache => createCandidateCache(claims, 0, tick);
