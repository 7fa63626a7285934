import type { HostState } from '../desired-state.js';
import type { HostInventory, Pf } from '../inventory.js';
import { matchesPf, describeMatch } from './resolve-pfs.js';

/** A PF can take a state once its driver is bound and, when it will be asked for it, its netdev exists. */
function notReady(pf: Pf, needsNetdev: boolean): string | null {
  if (pf.driver === null) return `${pf.pciAddress} has no driver bound yet`;
  if (needsNetdev && pf.ifname === null) return `${pf.pciAddress} has no netdev yet`;
  return null;
}

/**
 * Why the state's PFs are not ready yet, empty when they are. At boot the
 * restore runs while PF drivers may still be probing; it waits on this
 * before planning instead of failing on a PF that is seconds away.
 */
export function pfsNotReady(state: HostState, inv: HostInventory): string[] {
  const out: string[] = [];
  state.pfs.forEach((spec, i) => {
    // A PF off PCI is a netdev (its device, e.g. netdevsim's, is made by whoever made it).
    if (spec.device !== undefined) {
      if (!inv.nonPciPfs.some((p) => p.device === spec.device))
        out.push(`pfs[${i}]: ${spec.device} not present yet`);
      return;
    }
    const needsNetdev = spec.up || spec.vfs.length > 0;
    const selected =
      spec.pciAddress !== undefined
        ? inv.pfs.filter((pf) => pf.pciAddress === spec.pciAddress)
        : inv.pfs.filter((pf) => spec.match !== undefined && matchesPf(spec.match, pf));
    if (selected.length === 0) {
      out.push(
        `pfs[${i}]: ${spec.pciAddress ?? `no PF matching ${describeMatch(spec.match ?? {})}`} not present yet`,
      );
    }
    for (const pf of selected) {
      const why = notReady(pf, needsNetdev);
      if (why !== null) out.push(`pfs[${i}]: ${why}`);
    }
  });
  return out;
}
