import { VF_OWNERS, type VfOwner } from '../vocabulary.js';
import type { DeviceSpec, VlanRange } from './model.js';
import { governingSpec, parsePfSelector, specSelectsPf, type SpecTarget } from './spec-match.js';

/** The distinct owners among `owners` (nulls dropped), in VF_OWNERS order. */
export function distinctOwners(owners: Iterable<VfOwner | null>): VfOwner[] {
  const seen = new Set(owners);
  return VF_OWNERS.filter((o) => seen.has(o));
}

/** A reported PF, where specs meet. */
export type OwnedPfTarget = SpecTarget & { readonly hostId: string; readonly totalVfs: number };

/** Two specs of different owners that select one VF (or one PF offered whole). */
export interface OwnerClash {
  /** The spec checked. */
  readonly spec: DeviceSpec;
  /** The spec it clashes with. */
  readonly other: DeviceSpec;
  readonly pf: string;
  /** Null when found from the specs alone (no host reported the PF). */
  readonly host: string | null;
  /** Null when both offer the PF whole. */
  readonly vf: number | null;
}

/**
 * One VF has one owner: the first VF (or whole PF) that `spec` and a spec
 * of another owner both select, or null. `specs` is the spec list as it
 * would be (precedence order, `spec` in it): a reported PF has the VFs its
 * governing spec declares. Two specs naming the same PF by `pf` clash even
 * where no host reported it, on their common VF indexes below both numVfs.
 * The clash named is that of the lowest VF index on the first PF.
 */
export function ownerClash(
  spec: DeviceSpec,
  specs: readonly DeviceSpec[],
  pfs: readonly OwnedPfTarget[],
): OwnerClash | null {
  const others = specs.filter((s) => s.id !== spec.id && s.owner !== spec.owner);
  for (const pf of pfs) {
    if (!specSelectsPf(spec, pf)) continue;
    const gov = governingSpec(specs, pf);
    const vfCount = Math.min(gov?.numVfs ?? 0, pf.totalVfs);
    let first: OwnerClash | null = null;
    for (const other of others) {
      if (!specSelectsPf(other, pf)) continue;
      const at = { spec, other, pf: pf.pciAddress, host: pf.hostId };
      if (spec.wholePf && other.wholePf) return { ...at, vf: null };
      const vf = firstCommonVf(spec, other, vfCount);
      // The lowest VF shared names the clash, whatever order specs of one age come in.
      if (vf !== null && (first?.vf ?? Infinity) > vf) first = { ...at, vf };
    }
    if (first !== null) return first;
  }
  return specsAloneClash(spec, others);
}

/** Two `pf` selectors naming the same PF, with a VF index (or the whole PF) in common. */
function specsAloneClash(spec: DeviceSpec, others: readonly DeviceSpec[]): OwnerClash | null {
  const mine = spec.pf === null ? null : parsePfSelector(spec.pf);
  if (mine === null) return null;
  let first: OwnerClash | null = null;
  for (const other of others) {
    const theirs = other.pf === null ? null : parsePfSelector(other.pf);
    if (theirs?.pciAddress !== mine.pciAddress) continue;
    const at = { spec, other, pf: mine.pciAddress, host: null };
    if (spec.wholePf && other.wholePf) return { ...at, vf: null };
    const vf = firstCommonVf(spec, other, Math.min(spec.numVfs, other.numVfs));
    if (vf !== null && (first?.vf ?? Infinity) > vf) first = { ...at, vf };
  }
  return first;
}

/** The lowest VF index both select, when below vfCount; from the ranges, not index by index. */
function firstCommonVf(a: DeviceSpec, b: DeviceSpec, vfCount: number): number | null {
  let first: number | null = null;
  for (const x of vfRanges(a))
    for (const y of vfRanges(b)) {
      const lo = Math.max(x.min, y.min);
      if (lo <= Math.min(x.max, y.max) && (first === null || lo < first)) first = lo;
    }
  return first !== null && first < vfCount ? first : null;
}

/** A spec's VF ranges; every index when its `pf` names none. */
function vfRanges(s: DeviceSpec): readonly VlanRange[] {
  const ranges = s.pf === null ? [] : (parsePfSelector(s.pf)?.vfRanges ?? []);
  return ranges.length > 0 ? ranges : [{ min: 0, max: Number.MAX_SAFE_INTEGER }];
}

/** The CONFLICT message: both specs with their owners, and the VF they share. */
export function ownerClashText(c: OwnerClash): string {
  const what = c.vf === null ? `PF ${c.pf} (offered whole)` : `VF ${c.vf} of PF ${c.pf}`;
  const where = c.host === null ? '' : ` on host ${c.host}`;
  const one = c.vf === null ? 'one PF has one owner' : 'one VF has one owner';
  return `spec ${c.spec.name} (owner ${c.spec.owner}) and spec ${c.other.name} (owner ${c.other.owner}) both select ${what}${where}; ${one}`;
}
