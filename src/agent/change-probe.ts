import type { HostInventory } from '../core/inventory.js';
import type { HostFs } from '../core/ports.js';

const DEVICES = '/sys/bus/pci/devices';

/**
 * What the controller keeps of a host (agent-report.ts inventoryKey, and
 * each PF's interface name) moves only when PCI functions come or go, or a
 * PF's VF count, driver or netdev changes. This reads just that: one
 * directory listing, then per PF two small files and its `net` listing,
 * instead of a scan's thousands of reads and an `ip` run. A changed
 * fingerprint means "scan now"; an equal one, "nothing to report", so a
 * heartbeat resends the last report (run-agent.ts).
 */
export async function changeFingerprint(fs: HostFs, last: HostInventory): Promise<string> {
  const devices = [...((await fs.listDir(DEVICES)) ?? [])].sort();
  const parts = [devices.join(',')];
  for (const pf of last.pfs) {
    const dir = `${DEVICES}/${pf.pciAddress}`;
    const netdevs = [...((await fs.listDir(`${dir}/net`)) ?? [])].sort().join('+');
    parts.push(
      `${pf.pciAddress}=${(await fs.readText(`${dir}/sriov_numvfs`))?.trim() ?? '-'}:${(await fs.readLink(`${dir}/driver`)) ?? '-'}:${netdevs}`,
    );
  }
  return parts.join('\n');
}
