import type { Finding } from './finding.js';
import { finding } from './finding.js';
import { DRIVER_VF_LIMITS } from './driver-vf-limits.js';
import type { DoctorInput } from './input.js';

/** Known VF feature gaps of each PF's driver, so nobody finds them by trial and error. */
export function checkDriverFeatures(input: DoctorInput): Finding[] {
  return input.inventory.pfs.flatMap((pf) => {
    const limits = DRIVER_VF_LIMITS[pf.driver ?? ''];
    if (pf.driver === null || limits === undefined || pf.totalVfs === 0) return [];
    return [
      finding(
        'driver-vf-features',
        'info',
        pf.pciAddress,
        `${pf.driver}: ${limits.map((l) => l.feature).join(', ')} not supported on VFs`,
        [
          `/sys/bus/pci/devices/${pf.pciAddress}/driver -> ${pf.driver}`,
          ...limits.map((l) => `${pf.driver ?? ''}: ${l.note}`),
        ],
        ['Leave these settings out of the desired state for VFs of this PF'],
      ),
    ];
  });
}
