import { KERNEL_VF_DRIVER_BY_PF_DRIVER } from '../vocabulary.js';
import type { Finding } from './finding.js';
import { capLines, finding } from './finding.js';
import type { DoctorInput } from './input.js';

const dev = (addr: string) => `/sys/bus/pci/devices/${addr}`;

/** VFs no driver holds: neither usable as host netdevs nor ready for a VM. */
export function checkVfDriver(input: DoctorInput): Finding[] {
  return input.inventory.pfs.flatMap((pf) => {
    const orphans = pf.vfs.filter((v) => v.driverKind === 'none');
    if (orphans.length === 0) return [];
    const kernelDriver = pf.driver === null ? undefined : KERNEL_VF_DRIVER_BY_PF_DRIVER[pf.driver];
    const loaded = kernelDriver !== undefined && (input.pciDrivers ?? []).includes(kernelDriver);
    const evidence = orphans.map(
      (v) =>
        `${dev(v.pciAddress)}/driver: (absent) (VF ${v.index}, driver_override: ${v.driverOverride ?? '(none)'})`,
    );
    const fix = [
      ...(kernelDriver !== undefined && !loaded
        ? [`Load the kernel VF driver: modprobe ${kernelDriver}`]
        : []),
      'Bind each VF: echo <vf address> > /sys/bus/pci/drivers_probe (driver_override decides which driver takes it)',
      'If VFs are left unbound on purpose (sriov_drivers_autoprobe=0), bind them to vfio-pci before handing them to VMs',
    ];
    return [
      finding(
        'vf-driver',
        'warning',
        pf.pciAddress,
        `${orphans.length} VF(s) have no driver`,
        capLines(evidence),
        fix,
      ),
    ];
  });
}
