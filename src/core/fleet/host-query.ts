import type { HostHealth } from './model.js';

/**
 * What the fleet's host list and capacity views ask of the store: filters
 * and sort orders of `GET /v1/hosts`, the per-host counts of its summaries
 * and the fleet's capacity (`GET /v1/capacity`).
 */

/** `-` = descending; `lastSeen` sorts hosts never seen first (oldest news first). */
export const HOST_SORTS = ['id', '-id', 'lastSeen', '-lastSeen'] as const;
export type HostSort = (typeof HOST_SORTS)[number];

export interface HostFilter {
  /** Only hosts with this label value. */
  readonly label: readonly [string, string] | null;
  /** Only hosts whose id holds this text, in any case. */
  readonly text: string | null;
  /** As hostHealth() derives it from lastSeen, so `staleBefore` must be given. */
  readonly health: HostHealth | null;
  readonly ready: boolean | null;
  readonly sort: HostSort;
  /** A host last seen before this (ISO) is stale. */
  readonly staleBefore: string;
}

/** VFs by lifecycle; the five counts split `total` (`dirty`: free, waiting for its reset). */
export interface VfCounts {
  readonly total: number;
  readonly free: number;
  readonly reserved: number;
  readonly allocated: number;
  readonly quarantined: number;
  readonly dirty: number;
}

export const NO_VFS: VfCounts = {
  total: 0,
  free: 0,
  reserved: 0,
  allocated: 0,
  quarantined: 0,
  dirty: 0,
};

/** Two counts added, bucket by bucket (a physnet's sum over its NUMA nodes). */
export const addVfCounts = (a: VfCounts, b: VfCounts): VfCounts => ({
  total: a.total + b.total,
  free: a.free + b.free,
  reserved: a.reserved + b.reserved,
  allocated: a.allocated + b.allocated,
  quarantined: a.quarantined + b.quarantined,
  dirty: a.dirty + b.dirty,
});

export interface HostVfCounts {
  readonly hostId: string;
  readonly vfs: VfCounts;
}

export interface HostCounts {
  readonly hostId: string;
  readonly pfCount: number;
  readonly vfs: VfCounts;
}

/** The VfCounts are of the VFs vfleet schedules; `handedOver` those handed to another owner. */
export interface PhysnetCapacity extends VfCounts {
  /** null: VFs no spec gives a physnet. */
  readonly physnet: string | null;
  /** VFs handed to another owner (openstack, kubernetes, libvirt-pool): in none of the counts. */
  readonly handedOver: number;
}

export interface NumaCapacity extends PhysnetCapacity {
  /** The NUMA node of the VF's PF; null where the kernel gave none. */
  readonly numaNode: number | null;
}

export interface FleetCapacity {
  readonly hosts: {
    readonly total: number;
    readonly ready: number;
    readonly byHealth: Readonly<Record<HostHealth, number>>;
  };
  readonly physnets: readonly PhysnetCapacity[];
  readonly numaNodes: readonly NumaCapacity[];
}

/** Doctor findings that call for someone: errors and warnings (not `info` nor `ok`). */
export function problemCount(findings: readonly unknown[]): number {
  return findings.filter(
    (f) =>
      typeof f === 'object' &&
      f !== null &&
      'severity' in f &&
      (f.severity === 'error' || f.severity === 'warning'),
  ).length;
}

/**
 * One host's progress on a spec's PFs (`spec --wait`), as hostProgress in
 * the CLI counts it from the host's map: the VFs declared on the PFs the
 * spec governs, how many of them exist, and whether the agent applied.
 */
export interface HostRollout {
  readonly hostId: string;
  /** PFs the spec governs on the host. */
  readonly pfs: number;
  readonly declaredVfs: number;
  /** VFs made, at most the declared count per PF. */
  readonly madeVfs: number;
  /** PFs offered (or held) whole: no VFs declared. */
  readonly wholePfs: number;
  /** Every PF has exactly its declared VFs, in the kernel (numVfs) and as rows. */
  readonly pfsMade: boolean;
  readonly appliedGeneration: number;
  readonly desiredGeneration: number;
  /** What the agent said of its last apply; null when nothing. */
  readonly lastApplyMessage: string | null;
  /** pfsMade and the agent applied its latest generation. */
  readonly done: boolean;
}

/** The hosts a spec governs PFs of: counted, and the first of them, those not done first. */
export interface SpecRollout {
  readonly hosts: number;
  readonly done: number;
  readonly first: readonly HostRollout[];
}
