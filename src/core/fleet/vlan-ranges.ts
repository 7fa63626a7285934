import type { VlanRange } from './model.js';

export const VLAN_MIN = 1;
export const VLAN_MAX = 4094;

/** The first problem with a set of VLAN ranges as [index, message], or null. */
export function vlanRangeProblem(ranges: readonly VlanRange[]): [number, string] | null {
  for (const [i, r] of ranges.entries()) {
    if (r.min > r.max) return [i, `min ${r.min} is above max ${r.max}`];
  }
  const sorted = ranges.map((r, i) => ({ ...r, i })).sort((a, b) => a.min - b.min);
  for (let k = 1; k < sorted.length; k++) {
    const a = sorted[k - 1];
    const b = sorted[k];
    if (a && b && b.min <= a.max) {
      return [b.i, `${b.min}-${b.max} overlaps ${a.min}-${a.max}`];
    }
  }
  return null;
}

export const vlanInRanges = (vlan: number, ranges: readonly VlanRange[]): boolean =>
  ranges.some((r) => vlan >= r.min && vlan <= r.max);

/** Lowest VLAN of the ranges not in use, or null when all are taken. */
export function firstFreeVlan(
  ranges: readonly VlanRange[],
  used: ReadonlySet<number>,
): number | null {
  const sorted = [...ranges].sort((a, b) => a.min - b.min);
  for (const r of sorted) {
    for (let v = r.min; v <= r.max; v++) if (!used.has(v)) return v;
  }
  return null;
}
