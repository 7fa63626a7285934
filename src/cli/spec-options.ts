import { Option } from 'commander';
import { VfleetError } from '../core/errors.js';
import { isOneOf, VF_OWNERS, type VfOwner } from '../core/vocabulary.js';

/** `--owner`: who schedules the spec's VFs; a value outside VF_OWNERS is refused naming the option. */
export const ownerOption = () =>
  new Option(
    '--owner <owner>',
    `who schedules the VFs: ${VF_OWNERS.join('|')} (vfleet: its own instances; the others are handed the VFs, which vfleet creates and keeps but never schedules)`,
  ).argParser(parseOwner);

export function parseOwner(value: string): VfOwner {
  if (isOneOf(VF_OWNERS, value)) return value;
  throw new VfleetError(
    'INVALID_INPUT',
    `--owner: "${value}" is not an owner; use one of ${VF_OWNERS.join(', ')}`,
    { field: 'owner' },
  );
}

export interface Bandwidth {
  egressMbps: number | null;
  ingressMbps: number | null;
}

const MAX_MBPS = 10_000_000;

/** `--bandwidth EGRESS[:INGRESS]` in Mbit/s; either side may be empty (`:25000`: ingress only). */
export const bandwidthOption = () =>
  new Option(
    '--bandwidth <egress[:ingress]>',
    'bandwidth of each selected PF offered to the consumer, in Mbit/s, e.g. 25000 or 25000:10000',
  ).argParser(parseBandwidth);

export function parseBandwidth(value: string): Bandwidth {
  const parts = value.trim().split(':');
  const bad = (why: string) =>
    new VfleetError('INVALID_INPUT', `--bandwidth: "${value}" ${why}`, { field: 'bandwidth' });
  if (parts.length > 2) throw bad('is not EGRESS[:INGRESS] in Mbit/s');
  const side = (s: string | undefined): number | null => {
    if (s === undefined || s.trim() === '') return null;
    const n = Number(s);
    if (!/^\d+$/.test(s.trim()) || n < 1 || n > MAX_MBPS)
      throw bad(`needs whole numbers of Mbit/s from 1 to ${MAX_MBPS}`);
    return n;
  };
  const b = { egressMbps: side(parts[0]), ingressMbps: side(parts[1]) };
  if (b.egressMbps === null && b.ingressMbps === null) throw bad('names no bandwidth');
  return b;
}

/** `25000/10000 Mb/s` (egress/ingress; `-` for a side not said); null when the spec says none. */
export function bandwidthText(b: Bandwidth | null): string | null {
  if (b === null) return null;
  return `${b.egressMbps ?? '-'}/${b.ingressMbps ?? '-'} Mb/s`;
}
