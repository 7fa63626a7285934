import { readVfStats } from '../adapters/iproute2/vf-stats-reader.js';
import type { VfTrafficStats } from '../core/host-facts.js';
import type { HostInventory } from '../core/inventory.js';
import type { CommandRunner } from '../core/ports.js';

/** One VF's counters with what names it across tools: PF netdev, PCI addresses, NUMA node. */
export interface VfTraffic {
  readonly pf: string;
  readonly pfPci: string;
  readonly vf: number;
  readonly vfPci: string;
  readonly numaNode: number | null;
  readonly stats: VfTrafficStats;
}

/**
 * The kernel's per-VF counters now (one `ip -s -j link show`), named by the
 * last scan: a VF the scan has not seen yet, or a PF without a netdev, is
 * left out until the next one.
 */
export async function readVfTraffic(
  runner: CommandRunner,
  inventory: HostInventory,
): Promise<VfTraffic[]> {
  const byPf = await readVfStats(runner);
  const out: VfTraffic[] = [];
  for (const pf of inventory.pfs) {
    if (pf.ifname === null) continue;
    const stats = new Map((byPf.get(pf.ifname) ?? []).map((s) => [s.index, s]));
    for (const vf of pf.vfs) {
      const s = stats.get(vf.index);
      if (s === undefined) continue;
      out.push({
        pf: pf.ifname,
        pfPci: pf.pciAddress,
        vf: vf.index,
        vfPci: vf.pciAddress,
        numaNode: vf.numaNode ?? pf.numaNode,
        stats: s,
      });
    }
  }
  return out;
}
