import type { Finding } from './finding.js';
import { HOST_SUBJECT, capLines, finding } from './finding.js';
import type { DoctorInput } from './input.js';
import { iommuSigns } from './iommu-signs.js';
import { VFIO_DRIVER } from '../vocabulary.js';

const dev = (addr: string) => `/sys/bus/pci/devices/${addr}`;

/** With the IOMMU on, every VF must sit in a group or vfio-pci cannot take it. */
export function checkIommuGroups(input: DoctorInput): Finding[] {
  if (!iommuSigns(input).on) return [];
  return input.inventory.pfs.flatMap((pf) => {
    const missing = [pf, ...pf.vfs].filter((f) => f.iommuGroup === null).map((f) => f.pciAddress);
    if (missing.length === 0) return [];
    return [
      finding(
        'iommu-groups',
        'warning',
        pf.pciAddress,
        `${missing.length} function(s) of this PF have no IOMMU group although the IOMMU is on`,
        capLines(missing.map((a) => `${dev(a)}/iommu_group: (absent)`)),
        [
          'Check the kernel log for DMAR/AMD-Vi errors about these devices',
          'The slot may sit behind a bridge the IOMMU does not cover: try another slot or update the BIOS',
        ],
      ),
    ];
  });
}

/** VFs that are, or are meant to be, bound to vfio-pci need the driver loaded. */
export function checkVfioPci(input: DoctorInput): Finding[] {
  if (input.pciDrivers === null) return [];
  const wanting = input.inventory.pfs.flatMap((pf) =>
    pf.vfs.filter((v) => v.driverOverride === VFIO_DRIVER || v.driverKind === 'vfio'),
  );
  const driverDir = input.pciDrivers.includes(VFIO_DRIVER);
  const module = input.modules.includes('vfio_pci');
  // The module directory only adds news when the driver is missing (built-in drivers have none).
  const evidence = driverDir
    ? ['/sys/bus/pci/drivers/vfio-pci: present']
    : [
        '/sys/bus/pci/drivers/vfio-pci: (absent)',
        `/sys/module/vfio_pci: ${module ? 'present' : '(absent)'}`,
      ];
  if (driverDir) {
    const bound = wanting.filter((v) => v.driverKind === 'vfio').length;
    return [
      finding(
        'vfio-pci',
        'ok',
        HOST_SUBJECT,
        `vfio-pci is loaded (${bound} VF(s) bound to it)`,
        evidence,
      ),
    ];
  }
  const persist = [
    'Load it now: modprobe vfio-pci',
    'Load it at every boot: echo vfio-pci > /etc/modules-load.d/vfio-pci.conf',
  ];
  if (wanting.length === 0)
    return [
      finding(
        'vfio-pci',
        'info',
        HOST_SUBJECT,
        'vfio-pci is not loaded: needed before a VF can be handed to a VM',
        evidence,
        persist,
      ),
    ];
  return [
    finding(
      'vfio-pci',
      'error',
      HOST_SUBJECT,
      `vfio-pci is not loaded but ${wanting.length} VF(s) are set to use it`,
      [
        ...evidence,
        ...capLines(
          wanting.map(
            (v) => `${dev(v.pciAddress)}/driver_override: ${v.driverOverride ?? '(none)'}`,
          ),
        ),
      ],
      [...persist, 'Then re-probe each VF: echo <vf address> > /sys/bus/pci/drivers_probe'],
    ),
  ];
}
