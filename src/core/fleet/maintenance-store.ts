import type { AllocationRule } from './allocation.js';
import type { EventNote } from './events.js';

/**
 * A host's drain: every instance live-migrated away, a few at a time
 * (`maxParallel`), the host cordoned throughout. `draining` while
 * instances remain that can move; `drained` once none is left; `stuck` when
 * the only ones left cannot move (each named in `blocked`, with why);
 * `cancelled` when the host was uncordoned first.
 */
export const DRAIN_STATES = ['draining', 'drained', 'stuck', 'cancelled'] as const;
export type DrainState = (typeof DRAIN_STATES)[number];

export interface BlockedInstance {
  readonly instance: string;
  readonly name: string;
  readonly reason: string;
}

export interface HostDrain {
  readonly host: string;
  readonly state: DrainState;
  readonly maxParallel: number;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly finishedAt: string | null;
  readonly blocked: readonly BlockedInstance[];
  readonly message: string | null;
}

/** A host's cordon as stored: no new placements while `cordoned`. */
export interface HostCordon {
  readonly host: string;
  readonly cordoned: boolean;
  readonly reason: string | null;
  readonly since: string | null;
}

export interface DrainProgress {
  readonly state: DrainState;
  readonly blocked: readonly BlockedInstance[];
  readonly message: string | null;
  readonly at: string;
}

/** Cordons, drains and allocation rules, each change with its audit record and event. */
export interface MaintenanceStore {
  allocationRules(): Promise<AllocationRule[]>;
  /** Creates or replaces the rule of that name (a replaced rule keeps its age, so its precedence). */
  setAllocationRule(rule: AllocationRule): Promise<AllocationRule>;
  /** False when there was no such rule. */
  deleteAllocationRule(name: string): Promise<boolean>;
  cordon(host: string): Promise<HostCordon | null>;
  /**
   * Cordons or uncordons; uncordoning cancels a drain under way. Null when
   * there is no such host.
   */
  setCordon(
    host: string,
    c: { readonly cordoned: boolean; readonly reason: string | null },
    note: EventNote<HostCordon>,
  ): Promise<HostCordon | null>;
  /** Cordons the host and starts (or restarts) its drain, in one transaction. */
  startDrain(
    host: string,
    o: { readonly maxParallel: number; readonly reason: string | null },
    note: EventNote<HostDrain>,
  ): Promise<HostDrain | null>;
  drain(host: string): Promise<HostDrain | null>;
  /** Drains still `draining` or `stuck`: the ones a controller carries on. */
  openDrains(): Promise<HostDrain[]>;
  /** Records a drain's progress; an event only when its state changes. */
  updateDrain(host: string, p: DrainProgress, note: EventNote<HostDrain> | null): Promise<void>;
}
