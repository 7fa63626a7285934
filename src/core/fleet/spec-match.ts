import type { DeviceSpec, VlanRange } from './model.js';
import type { VfOwner } from '../vocabulary.js';
import { normalizePciAddress } from '../pci-address.js';

/** The PF facts a device spec can select on. */
export interface SpecTarget {
  readonly pciAddress: string;
  readonly vendorId: string;
  readonly deviceId: string;
  readonly driver: string | null;
}

export interface PfSelector {
  readonly pciAddress: string;
  /** VF index ranges; empty = every VF. */
  readonly vfRanges: readonly VlanRange[];
}

/** `0000:81:00.0#0-3,6` -> the PF and its VF ranges; null when malformed. */
export function parsePfSelector(text: string): PfSelector | null {
  const [addr, ranges, extra] = text.trim().split('#');
  const pciAddress = normalizePciAddress(addr ?? '');
  if (pciAddress === null || extra !== undefined) return null;
  if (ranges === undefined) return { pciAddress, vfRanges: [] };
  const vfRanges: VlanRange[] = [];
  for (const part of ranges.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m?.[1]) return null;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : Number(m[2]);
    if (max < min || max > 4095) return null;
    vfRanges.push({ min, max });
  }
  return { pciAddress, vfRanges };
}

/**
 * Compiled globs: a report tags every VF by its PF's specs, so one glob is
 * matched thousands of times a second at fleet scale. Specs are few; the
 * cache is bounded anyway.
 */
const globs = new Map<string, RegExp>();

function globRegExp(glob: string): RegExp {
  const known = globs.get(glob);
  if (known !== undefined) return known;
  const g = glob.trim().toLowerCase();
  const full = g.split(':').length === 2 ? `0000:${g}` : g;
  const re = new RegExp(
    `^${full
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  if (globs.size >= 1_000) globs.clear();
  globs.set(glob, re);
  return re;
}

/** Shell-style glob (`*`, `?`) over the full address; a glob without domain means domain 0000. */
export function pciGlobMatches(glob: string, address: string): boolean {
  return globRegExp(glob).test(address);
}

export function specSelectsPf(spec: DeviceSpec, pf: SpecTarget): boolean {
  if (spec.vendor !== null && spec.vendor !== pf.vendorId) return false;
  if (spec.device !== null && spec.device !== pf.deviceId) return false;
  if (spec.driver !== null && spec.driver !== pf.driver) return false;
  if (spec.pciAddress !== null && !pciGlobMatches(spec.pciAddress, pf.pciAddress)) return false;
  if (spec.pf !== null && parsePfSelector(spec.pf)?.pciAddress !== pf.pciAddress) return false;
  return true;
}

export function specSelectsVf(spec: DeviceSpec, index: number): boolean {
  const ranges = spec.pf === null ? [] : (parsePfSelector(spec.pf)?.vfRanges ?? []);
  return ranges.length === 0 || ranges.some((r) => index >= r.min && index <= r.max);
}

/** Specs in precedence order (oldest first): the first that selects a PF governs it. */
export function governingSpec(specs: readonly DeviceSpec[], pf: SpecTarget): DeviceSpec | null {
  return specs.find((s) => specSelectsPf(s, pf)) ?? null;
}

export interface VfTags {
  readonly physnet: string | null;
  readonly trusted: boolean;
  /** Who schedules the VF; null with physnet, when no spec selects it. */
  readonly owner: VfOwner | null;
}

const UNTAGGED: VfTags = { physnet: null, trusted: false, owner: null };

/**
 * Physnet, trust and owner of one VF: the first spec selecting both its PF
 * and its index. None on a PF offered whole: it is never offered by VFs as well.
 */
export function vfTags(specs: readonly DeviceSpec[], pf: SpecTarget, index: number): VfTags {
  if (governingSpec(specs, pf)?.wholePf === true) return UNTAGGED;
  const s = specs.find((x) => specSelectsPf(x, pf) && specSelectsVf(x, index));
  return s ? { physnet: s.physnet, trusted: s.trusted, owner: s.owner } : UNTAGGED;
}

/** The physnet a PF is offered whole on: its governing spec's, when that spec says wholePf. */
export function wholePfPhysnet(specs: readonly DeviceSpec[], pf: SpecTarget): string | null {
  return wholePfTags(specs, pf).physnet;
}

/** Physnet and owner of a PF offered whole (its governing spec says wholePf); nulls otherwise. */
export function wholePfTags(
  specs: readonly DeviceSpec[],
  pf: SpecTarget,
): { physnet: string | null; owner: VfOwner | null } {
  const gov = governingSpec(specs, pf);
  return gov?.wholePf === true
    ? { physnet: gov.physnet, owner: gov.owner }
    : { physnet: null, owner: null };
}
