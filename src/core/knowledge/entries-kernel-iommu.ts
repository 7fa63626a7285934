import type { KnowledgeEntry } from './entry.js';

/** Kernel messages about the IOMMU (VT-d / AMD-Vi) and vfio. */
export const KERNEL_IOMMU_ENTRIES: readonly KnowledgeEntry[] = [
  {
    id: 'iommu-disabled',
    source: 'kernel',
    title: 'The IOMMU is disabled or missing',
    patterns: [/DMAR: IOMMU disabled/i, /\bIOMMU not found\b/i, /AMD-Vi: (?:AMD )?IOMMU disabled/i],
    cause:
      'No DMA remapping: VT-d (Intel) or AMD-Vi/IOMMU (AMD) is off in the firmware, or the kernel was ' +
      'not told to use it (intel_iommu=on; an explicit intel_iommu=off / amd_iommu=off / iommu=off). ' +
      'Without IOMMU groups vfio-pci cannot hand a VF to a VM.',
    fix: [
      'Enable VT-d (Intel) or IOMMU / AMD-Vi (AMD) in the firmware setup',
      'Add intel_iommu=on iommu=pt (Intel) or amd_iommu=on iommu=pt (AMD) to the kernel command line and reboot (vfleet host doctor shows the exact grub edit)',
    ],
    doctorChecks: ['iommu'],
    kernelLogSeverity: 'error',
  },
  {
    id: 'dmar-firmware-bug',
    source: 'kernel',
    title: 'The firmware DMAR table is broken',
    patterns: [/DMAR: \[Firmware Bug\]/i],
    cause:
      'The BIOS describes the IOMMU wrongly (DMAR at address zero, bad RMRR); the kernel may disable ' +
      'the IOMMU or individual devices behind it.',
    fix: ['Update the BIOS/firmware', 'Check the doctor iommu finding: is the IOMMU on after all?'],
    doctorChecks: ['iommu'],
    kernelLogSeverity: 'warning',
  },
  {
    id: 'vfio-no-iommu-group',
    source: 'kernel',
    title: 'vfio-pci refused a device: no IOMMU group',
    patterns: [/vfio-pci[^\n]*probe of \S+ failed with error -22/i],
    cause:
      'vfio-pci binds only to devices in an IOMMU group; with the IOMMU off there are none, so the probe ' +
      'fails with EINVAL (-22).',
    fix: ['Turn the IOMMU on (vfleet host doctor: check iommu), reboot, bind the VF again'],
    doctorChecks: ['iommu', 'iommu-groups'],
    kernelLogSeverity: 'error',
  },
  {
    id: 'vfio-unsafe-interrupts',
    source: 'kernel',
    title: 'vfio refuses devices: no interrupt remapping',
    patterns: [
      /No interrupt remapping support\.?\s+Use the module param "?allow_unsafe_interrupts"?/i,
    ],
    cause:
      'vfio_iommu_type1 requires interrupt remapping so a guest cannot inject arbitrary interrupts; the ' +
      'platform has it off (firmware setting, x2APIC off) or lacks it. QEMU then fails to set up the VFIO container.',
    fix: [
      'Enable interrupt remapping / x2APIC in the firmware setup; dmesg then shows "DMAR-IR: Enabled IRQ remapping" or "AMD-Vi: Interrupt remapping enabled"',
      'Only for trusted guests: options vfio_iommu_type1 allow_unsafe_interrupts=1 in /etc/modprobe.d/vfio.conf',
    ],
    doctorChecks: ['iommu'],
    kernelLogSeverity: 'error',
  },
  {
    id: 'iommu-dma-fault',
    source: 'kernel',
    title: 'IOMMU blocked a DMA (DMAR / AMD-Vi page fault)',
    patterns: [
      /DMAR: \[DMA (?:Read|Write)[^\]]*\] Request device/i,
      /DRHD: handling fault status reg/i,
      /IO_PAGE_FAULT/i,
    ],
    cause:
      'A device did DMA to an address outside its IOMMU mappings: a device handed to a VM while a host ' +
      'driver still used it, a driver or NIC-firmware bug, or a firmware RMRR problem.',
    fix: [
      'Look up the device address in the line (vfleet host scan) and check it is bound to the driver you expect',
      'Update the NIC firmware and drivers; for host-owned devices iommu=pt avoids translation altogether',
    ],
    doctorChecks: ['iommu-pt'],
    kernelLogSeverity: 'warning',
  },
  {
    id: 'vfio-memlock',
    source: 'kernel',
    title: 'Guest memory could not be pinned for VFIO (locked-memory limit)',
    patterns: [
      /RLIMIT_MEMLOCK \(\d+\) exceeded/i,
      /vfio_dma_map\([^)]*\)\s*=\s*-12/i,
      /VFIO_MAP_DMA[^\n]*(?:-12|Cannot allocate memory)/i,
    ],
    cause:
      'A VM with a passed-through device has all its RAM pinned; the QEMU process locked-memory limit ' +
      '(RLIMIT_MEMLOCK) is below the guest RAM, or the host is out of free memory or hugepages.',
    fix: [
      'With libvirt: remove <memtune><hard_limit> or set it above the guest RAM plus about 1 GiB (libvirt raises the limit itself for hostdevs)',
      'With plain QEMU: raise the limit (ulimit -l, systemd LimitMEMLOCK=) above the guest RAM',
      'Check free memory and hugepages on the host',
    ],
    kernelLogSeverity: 'error',
  },
  {
    id: 'amd-iommuv2-absent',
    source: 'kernel',
    title: 'AMD IOMMUv2 not available (harmless)',
    patterns: [/AMD IOMMUv2 (?:functionality|driver) not available/i],
    cause:
      'The iommu_v2 module (used by AMD GPUs for shared virtual memory) found no AMD IOMMUv2. It says ' +
      'nothing about VT-d or AMD-Vi DMA remapping, which is what SR-IOV passthrough needs; it is printed ' +
      'on Intel hosts and in VMs too.',
    fix: ['Nothing to do'],
  },
];
