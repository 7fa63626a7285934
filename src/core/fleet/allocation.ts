import type { NumaNode } from './model.js';

/**
 * How much of a host instances may take, as Nova's compute nodes say it:
 * `cpu_allocation_ratio` and `ram_allocation_ratio` (vCPUs and memory
 * promised per host CPU and MiB), and what is held back for the host
 * itself: `reservedCpus`, host CPUs no instance counts on or is pinned to
 * (Nova's dedicated/shared split, here the CPUs left to the host), and
 * `reservedMemoryMb` (`reserved_host_memory_mb`).
 */
export interface Allocation {
  readonly cpuRatio: number;
  readonly memoryRatio: number;
  readonly reservedCpus: readonly number[];
  readonly reservedMemoryMb: number;
}

/** One allocation for the hosts it selects: by host id, or by labels (all of them; none: every host). */
export interface AllocationRule extends Allocation {
  readonly name: string;
  readonly host: string | null;
  readonly hostLabels: Readonly<Record<string, string>>;
  readonly createdAt: string;
}

/** Without a rule, a host promises each CPU and MiB once and keeps nothing back (vfleet before rules). */
export const NO_ALLOCATION_RULE: Allocation = {
  cpuRatio: 1,
  memoryRatio: 1,
  reservedCpus: [],
  reservedMemoryMb: 0,
};

/** The allocation a host has, and the rule it came from (null: none selects the host). */
export interface HostAllocation extends Allocation {
  readonly rule: string | null;
}

/**
 * The rule that governs a host: one naming the host beats one by labels;
 * among those by labels the one asking for more labels (the more specific)
 * wins, then the older (as specs: precedence by age), then the name.
 */
export function allocationOf(
  host: { readonly id: string; readonly labels: Readonly<Record<string, string>> },
  rules: readonly AllocationRule[],
): HostAllocation {
  let best: AllocationRule | null = null;
  for (const r of rules) {
    if (!selects(r, host)) continue;
    if (best === null || outranks(r, best)) best = r;
  }
  if (best === null) return { rule: null, ...NO_ALLOCATION_RULE };
  return {
    rule: best.name,
    cpuRatio: best.cpuRatio,
    memoryRatio: best.memoryRatio,
    reservedCpus: best.reservedCpus,
    reservedMemoryMb: best.reservedMemoryMb,
  };
}

function selects(
  r: AllocationRule,
  host: { readonly id: string; readonly labels: Readonly<Record<string, string>> },
): boolean {
  if (r.host !== null) return r.host === host.id;
  return Object.entries(r.hostLabels).every(([k, v]) => host.labels[k] === v);
}

function outranks(a: AllocationRule, b: AllocationRule): boolean {
  if ((a.host !== null) !== (b.host !== null)) return a.host !== null;
  const [la, lb] = [Object.keys(a.hostLabels).length, Object.keys(b.hostLabels).length];
  if (la !== lb) return la > lb;
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt;
  return a.name < b.name;
}

/**
 * vCPUs a NUMA node may hold: its CPUs less the reserved ones on it, times
 * the ratio. A node whose CPU list the agent did not report cannot say
 * which reserved CPUs are its own; none are taken from it.
 */
export function nodeVcpus(node: NumaNode, a: Allocation): number {
  const reserved =
    node.cpuList === undefined ? 0 : node.cpuList.filter((c) => a.reservedCpus.includes(c)).length;
  return Math.floor(Math.max(0, node.cpus - reserved) * a.cpuRatio);
}

/** MiB instances may hold on a host with `memoryMb`; null when the host does not report memory. */
export function hostMemoryMb(memoryMb: number | null, a: Allocation): number | null {
  if (memoryMb === null) return null;
  return Math.floor(Math.max(0, memoryMb - a.reservedMemoryMb) * a.memoryRatio);
}

/** A node's CPUs an instance may be pinned to: all but the reserved ones. */
export const pinnableCpus = (cpus: readonly number[], a: Allocation): number[] =>
  cpus.filter((c) => !a.reservedCpus.includes(c));
