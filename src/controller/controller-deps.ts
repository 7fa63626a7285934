import type { FleetStore } from '../core/fleet/store.js';
import type { Token } from '../core/fleet/model.js';
import type { Weigher } from '../core/scheduler/types.js';
import type { CandidateCache } from './candidate-cache.js';
import type { ChangeFeed } from './change-feed.js';
import type { LongPolls } from './long-polls.js';

export interface ControllerConfig {
  /** A host not heard from for this long is stale and not scheduled on. */
  readonly staleAfterMs: number;
  /** An instance whose VFs the agent has not configured by then loses them. */
  readonly reservationTtlMs: number;
  readonly weigher: Weigher;
  /** Schedule-and-claim rounds before a request that keeps losing races gets NO_CAPACITY. */
  readonly claimRounds: number;
  /** A /v1 request body over this many bytes is answered 413 TOO_LARGE (default 1 MiB). */
  readonly bodyLimitBytes: number;
  /** The scheduler's snapshot of the fleet is read again after this long (candidate-cache.ts). */
  readonly candidateMaxAgeMs: number;
  /**
   * A waiting long poll re-reads the store this often even without a
   * notice: the safety net under the change feed and its LISTEN/NOTIFY.
   */
  readonly feedPollMs: number;
}

export const DEFAULT_CONFIG: ControllerConfig = {
  staleAfterMs: 120_000,
  reservationTtlMs: 300_000,
  weigher: 'pack',
  claimRounds: 8,
  bodyLimitBytes: 1 << 20,
  candidateMaxAgeMs: 2_000,
  feedPollMs: 15_000,
};

export interface ControllerDeps {
  readonly store: FleetStore;
  readonly now: () => number;
  readonly config: ControllerConfig;
  readonly feed: ChangeFeed;
  /**
   * Wraps each schedule-and-claim round: a one-at-a-time queue on the
   * embedded store (one connection), a pass-through on PostgreSQL, where row
   * locks keep concurrent claims apart.
   */
  readonly claimRound: <T>(round: () => Promise<T>) => Promise<T>;
  /** Picks among the few best placements per request (default Math.random); tests pass a fixed one. */
  readonly random?: () => number;
  /** The fleet as the scheduler sees it; without one, every round reads the store. */
  readonly candidates?: CandidateCache;
  /** The waiting long polls: one per agent token and host (long-polls.ts). */
  readonly longPolls: LongPolls;
  /** Aborted when the controller shuts down: long polls answer at once instead of waiting. */
  readonly stopping?: AbortSignal;
}

export const unserialized = <T>(round: () => Promise<T>): Promise<T> => round();

export interface AppEnv {
  Variables: { principal: Token };
}
