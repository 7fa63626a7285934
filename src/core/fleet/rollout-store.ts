import type { DeviceSpec } from './model.js';
import type { RolloutHostState, RolloutPolicy, RolloutState } from './rollout.js';

export interface RolloutHost {
  readonly host: string;
  readonly position: number;
  readonly wave: number | null;
  readonly state: RolloutHostState;
  readonly targetGeneration: number | null;
  readonly errorsBefore: number;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly message: string | null;
  /** Instances whose VFs the change would take on this host (refused or evacuating). */
  readonly instances: readonly string[];
}

export interface Rollout extends RolloutPolicy {
  readonly id: string;
  readonly spec: string;
  readonly specName: string;
  readonly state: RolloutState;
  readonly wave: number;
  readonly message: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly finishedAt: string | null;
  /** Every spec as it was before the change: the hosts held back are given these. */
  readonly before: readonly DeviceSpec[];
  readonly specBefore: DeviceSpec;
  readonly specAfter: DeviceSpec;
}

/** A released host as the gate reads it (rollout.ts gate()). */
export interface RolloutHostFacts {
  readonly appliedGeneration: number;
  readonly lastApplyMessage: string | null;
  readonly healthy: boolean | null;
  readonly lastSeen: string | null;
  readonly errors: number;
}

/**
 * What releasing a host found: released, or the instances holding VFs the
 * change would take (none: only VFs given back and not reset yet).
 */
export type Release =
  | { readonly released: true; readonly generation: number }
  | {
      readonly released: false;
      readonly instances: readonly string[];
      readonly why: string;
      /** No room: `size` hosts of the rollout are updating or evacuating, or another pass released it. */
      readonly waveFull?: true;
    };

export interface RolloutStore {
  /**
   * Changes a spec in waves: as CatalogStore.updateSpec, but the hosts
   * whose declared state moves are held back for the rollout's passes.
   * `rollout` is null when no host's declared state moves (nothing to roll).
   */
  updateSpec(
    spec: DeviceSpec,
    r: RolloutPolicy & { readonly id: string; readonly now: string },
  ): Promise<{ spec: DeviceSpec; rollout: string | null } | null>;
  list(limit: number): Promise<Rollout[]>;
  get(id: string): Promise<{ rollout: Rollout; hosts: RolloutHost[] } | null>;
  /** Rollouts still running (the passes' work). */
  running(): Promise<Rollout[]>;
  facts(hostIds: readonly string[]): Promise<ReadonlyMap<string, RolloutHostFacts>>;
  /**
   * Releases a held-back host, under its row lock and the rollout's: unless
   * the change would take VFs held by ports there, or `size` hosts of the
   * rollout are already updating or evacuating (then nothing changes), a
   * new generation the agent applies, the host `updating` in wave `wave`.
   */
  release(r: Rollout, host: string, wave: number, size: number, now: string): Promise<Release>;
  setHost(
    rollout: string,
    host: string,
    p: {
      readonly state: RolloutHostState;
      readonly message: string | null;
      readonly instances?: readonly string[];
      readonly now: string;
    },
  ): Promise<void>;
  /** Moves the rollout's state (and wave), with its event and, for an operator's step, its audit. */
  setState(
    id: string,
    p: {
      readonly state: RolloutState;
      readonly message: string | null;
      readonly wave?: number;
      readonly now: string;
      readonly from: readonly RolloutState[];
      readonly audit: 'rollout.pause' | 'rollout.resume' | 'rollout.step' | null;
      /** Resuming: failed hosts are skipped (true) or tried again (false). */
      readonly skipFailed?: boolean;
    },
  ): Promise<Rollout | null>;
  /**
   * Ends the rollout and puts the spec back as it was, in one transaction:
   * the hosts already released get the old state again. Refused (CONFLICT,
   * nothing changed) when that would take VFs held by ports.
   */
  abort(id: string, now: string): Promise<Rollout | null>;
}
