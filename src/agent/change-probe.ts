import type { HostInventory } from '../core/inventory.js';
import type { HostFs } from '../core/ports.js';

const DEVICES = '/sys/bus/pci/devices';

/**
 * What the controller keeps of a host (agent-report.ts inventoryKey) moves
 * only when PCI functions come or go, or a PF's VF count or driver changes.
 * This reads just that: one directory listing and two small files per PF,
 * instead of a scan's thousands of reads and an `ip` run. A changed
 * fingerprint means "scan now"; an equal one, "nothing to report".
 */
export async function changeFingerprint(fs: HostFs, last: HostInventory): Promise<string> {
  const devices = [...((await fs.listDir(DEVICES)) ?? [])].sort();
  const parts = [devices.join(',')];
  for (const pf of last.pfs) {
    const dir = `${DEVICES}/${pf.pciAddress}`;
    parts.push(
      `${pf.pciAddress}=${(await fs.readText(`${dir}/sriov_numvfs`))?.trim() ?? '-'}:${(await fs.readLink(`${dir}/driver`)) ?? '-'}`,
    );
  }
  return parts.join('\n');
}
