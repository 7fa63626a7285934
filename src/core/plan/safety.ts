import type { HostState } from '../desired-state.js';
import { VfleetError } from '../errors.js';
import type { HostInventory, Vf } from '../inventory.js';
import { VFIO_DRIVER } from '../vocabulary.js';
import type { HostPlan } from './plan-types.js';
import { declaredVfs, undeclaredConfiguration } from './vf-attribute-diff.js';

/** A process holding `/dev/vfio/<group>` open (a VM, a DPDK app). */
export interface VfioHolder {
  readonly group: number;
  readonly pid: number;
  readonly command: string | null;
}

/** What the host says about who uses VFs, beyond the inventory. */
export interface InUseFacts {
  readonly vfioHolders: readonly VfioHolder[];
  /** Processes whose open files could not be read (permissions, gone): a VF may hide behind them. */
  readonly uninspectedProcesses: number;
}

export interface UnsafeVf {
  readonly pf: string;
  readonly index: number;
  readonly pciAddress: string;
  /** What the plan would do to it. */
  readonly change: 'destroy' | 'rebind';
  readonly reasons: readonly string[];
}

/** VFs the plan destroys (count change) or rebinds (driver change), with their PF's entry. */
function touchedVfs(plan: HostPlan, inv: HostInventory) {
  const out: { pf: string; entry: number; vf: Vf; change: UnsafeVf['change'] }[] = [];
  for (const p of plan.pfs) {
    const pf = inv.pfs.find((x) => x.pciAddress === p.pciAddress);
    if (pf === undefined) continue;
    if (p.numVfs !== null) {
      for (const vf of pf.vfs)
        out.push({ pf: pf.pciAddress, entry: p.entry, vf, change: 'destroy' });
      continue;
    }
    // mlx5's mode change unbinds every VF from its driver for a moment.
    if (p.eswitch?.order === 'vfs-unbound') {
      for (const vf of pf.vfs)
        out.push({ pf: pf.pciAddress, entry: p.entry, vf, change: 'rebind' });
      continue;
    }
    for (const v of p.vfs) {
      const vf = pf.vfs.find((x) => x.index === v.index);
      if (v.driver !== null && vf)
        out.push({ pf: pf.pciAddress, entry: p.entry, vf, change: 'rebind' });
    }
  }
  return out;
}

/** Whether the safety check needs to know who holds /dev/vfio (scanning /proc is not free). */
export const needsVfioHolders = (plan: HostPlan, inv: HostInventory): boolean =>
  touchedVfs(plan, inv).some((t) => t.vf.driver === VFIO_DRIVER);

function vfioReason(vf: Vf, facts: InUseFacts): string | null {
  if (vf.driver !== VFIO_DRIVER) return null;
  if (vf.iommuGroup === null) {
    return 'bound to vfio-pci with no known IOMMU group, so vfleet cannot tell whether a VM holds it';
  }
  const holders = facts.vfioHolders.filter((h) => h.group === vf.iommuGroup);
  if (holders.length > 0) {
    const who = holders.map((h) => `pid ${h.pid}${h.command === null ? '' : ` (${h.command})`}`);
    return `bound to vfio-pci and held open by ${who.join(', ')} through /dev/vfio/${vf.iommuGroup}`;
  }
  if (facts.uninspectedProcesses > 0) {
    return `bound to vfio-pci, and ${facts.uninspectedProcesses} process(es) could not be inspected for /dev/vfio/${vf.iommuGroup}`;
  }
  return null;
}

/**
 * VFs the plan would take away from a user: held open through vfio, enslaved
 * to a bridge or bond, up as a host interface, bound to a driver vfleet cannot inspect, or (for a
 * count change, which destroys every VF) carrying settings the state would
 * not put back. Pure: the caller gathers `facts`.
 */
export function findUnsafeChanges(
  plan: HostPlan,
  inv: HostInventory,
  state: HostState,
  facts: InUseFacts,
): UnsafeVf[] {
  const out: UnsafeVf[] = [];
  for (const { pf, entry, vf, change } of touchedVfs(plan, inv)) {
    const reasons: string[] = [];
    const vfio = vfioReason(vf, facts);
    if (vfio !== null) reasons.push(vfio);
    if (vf.master !== null) reasons.push(`netdev ${vf.netdev ?? '?'} is enslaved to ${vf.master}`);
    else if (vf.netdevUp === true)
      reasons.push(`netdev ${vf.netdev ?? '?'} is up (in use as a host interface)`);
    if (vf.driverKind === 'other') {
      reasons.push(`bound to ${vf.driver ?? '?'}, a driver vfleet cannot inspect for users`);
    }
    if (change === 'destroy') {
      const spec = state.pfs[entry];
      const declared = spec && vf.index < spec.numVfs ? declaredVfs(spec).get(vf.index) : undefined;
      const lost = undeclaredConfiguration(vf, declared?.settings);
      if (lost.length > 0) {
        reasons.push(`carries settings the state does not declare for it: ${lost.join(', ')}`);
      }
    }
    if (reasons.length > 0)
      out.push({ pf, index: vf.index, pciAddress: vf.pciAddress, change, reasons });
  }
  return out;
}

/** UNSAFE_CHANGE naming each VF and why; nothing has been changed when it is thrown. */
export function unsafeChangeError(unsafe: readonly UnsafeVf[]): VfleetError {
  const lines = unsafe.map(
    (u) =>
      `  ${u.pf} vf ${u.index} (${u.pciAddress}) would be ${u.change === 'destroy' ? 'destroyed' : 'rebound'}: ${u.reasons.join('; ')}`,
  );
  return new VfleetError(
    'UNSAFE_CHANGE',
    `refusing to change VFs that are in use (nothing was changed):\n${lines.join('\n')}\nre-run with --force to do it anyway`,
    { vfs: unsafe },
  );
}
