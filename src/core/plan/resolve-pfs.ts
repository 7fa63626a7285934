import type { PfEntry, PfMatch, HostState } from '../desired-state.js';
import type { HostInventory, Pf } from '../inventory.js';
import type { PlanProblem } from './plan-problems.js';

/** One PF the state selects, with the entry that selected it. */
export interface ResolvedPf {
  readonly entry: number;
  readonly spec: PfEntry;
  readonly pf: Pf;
  /** How many PFs the entry's match selected (1 for a pciAddress). */
  readonly selectedByEntry: number;
}

export const matchesPf = (m: PfMatch, pf: Pf): boolean =>
  (m.vendor === undefined || m.vendor === pf.vendorId) &&
  (m.device === undefined || m.device === pf.deviceId) &&
  (m.driver === undefined || m.driver === pf.driver) &&
  (m.ifname === undefined || m.ifname === pf.ifname);

export const describeMatch = (m: PfMatch): string =>
  (['vendor', 'device', 'driver', 'ifname'] as const)
    .filter((k) => m[k] !== undefined)
    .map((k) => `${k} ${String(m[k])}`)
    .join(', ');

const describePf = (pf: Pf): string =>
  `${pf.pciAddress} (${pf.vendorId}:${pf.deviceId} ${pf.driver ?? 'no driver'} ${pf.ifname ?? 'no netdev'})`;

function candidates(inv: HostInventory): string {
  return inv.pfs.length === 0
    ? 'this host has no SR-IOV PF'
    : `SR-IOV PFs here: ${inv.pfs.map(describePf).join(', ')}`;
}

function whyNotPf(address: string, inv: HostInventory): string {
  const parent = inv.pfs.find((pf) => pf.vfs.some((vf) => vf.pciAddress === address));
  if (parent)
    return `${address} is VF ${parent.vfs.find((v) => v.pciAddress === address)?.index} of ${parent.pciAddress}, not a PF`;
  if (inv.otherNics.some((n) => n.pciAddress === address)) {
    return `${address} is a network device without SR-IOV (no sriov_totalvfs)`;
  }
  return `no SR-IOV PF ${address} on this host; ${candidates(inv)}`;
}

/**
 * Maps state entries to the host's PFs. A match may select several PFs (the
 * same state then fits hosts whose PCI addresses differ); a PF selected by
 * two entries is ambiguous and refused.
 */
export function resolvePfs(
  state: HostState,
  inv: HostInventory,
  problems: PlanProblem[],
): ResolvedPf[] {
  const out: ResolvedPf[] = [];
  const owner = new Map<string, number>();
  state.pfs.forEach((spec, entry) => {
    // A PF off PCI is planned apart (device-plan.ts).
    if (spec.device !== undefined) return;
    let selected: Pf[];
    let field: string;
    if (spec.pciAddress !== undefined) {
      field = `pfs[${entry}].pciAddress`;
      selected = inv.pfs.filter((pf) => pf.pciAddress === spec.pciAddress);
      if (selected.length === 0) {
        problems.push({ code: 'NOT_FOUND', field, reason: whyNotPf(spec.pciAddress, inv) });
      }
    } else {
      const match = spec.match ?? {};
      field = `pfs[${entry}].match`;
      selected = inv.pfs.filter((pf) => matchesPf(match, pf));
      if (selected.length === 0) {
        problems.push({
          code: 'NOT_FOUND',
          field,
          reason: `no SR-IOV PF matches ${describeMatch(match)}; ${candidates(inv)}`,
        });
      }
    }
    for (const pf of selected) {
      const prior = owner.get(pf.pciAddress);
      if (prior !== undefined) {
        problems.push({
          code: 'INVALID_INPUT',
          field,
          reason: `${pf.pciAddress} is already selected by pfs[${prior}]; a PF may be declared once`,
        });
        continue;
      }
      owner.set(pf.pciAddress, entry);
      out.push({ entry, spec, pf, selectedByEntry: selected.length });
    }
    if (selected.length > 1) {
      spec.vfs.forEach((vf, j) => {
        if (vf.mac === undefined) return;
        problems.push({
          code: 'INVALID_INPUT',
          field: `pfs[${entry}].vfs[${j}].mac`,
          reason: `the match selects ${selected.length} PFs (${selected.map((p) => p.pciAddress).join(', ')}) and a MAC cannot be shared; select one PF by pciAddress`,
        });
      });
    }
  });
  return out;
}
