import { VF_OWNERS, type VfOwner } from '../vocabulary.js';

/** The distinct owners among `owners` (nulls dropped), in VF_OWNERS order. */
export function distinctOwners(owners: Iterable<VfOwner | null>): VfOwner[] {
  const seen = new Set(owners);
  return VF_OWNERS.filter((o) => seen.has(o));
}
