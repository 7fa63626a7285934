import type { KnowledgeEntry } from './entry.js';

/** Kernel messages about creating VFs (sriov_numvfs) and what the firmware gave the PF. */
export const KERNEL_SRIOV_ENTRIES: readonly KnowledgeEntry[] = [
  {
    id: 'sriov-mmio',
    source: 'kernel',
    title: 'SR-IOV refused: not enough MMIO space for the VF BARs',
    patterns: [
      /not enough MMIO resources for SR-?IOV/i,
      /Failed to enable (?:PCI )?SR-?IOV[:,]?\s*(?:error\s*)?-12\b/i,
      /SR-IOV: IOV BARS not allocated/i,
      /(?:VF BAR \d+|BAR (?:7|8|9|10|11|12)\b)[^\n]*(?:no space|failed to assign|can't assign)/i,
    ],
    textOnlyPatterns: [
      /sriov_numvfs[^\n]*Cannot allocate memory/i,
      /Cannot allocate memory[^\n]*sriov_numvfs/i,
      /write error: Cannot allocate memory/i,
      /^\s*Cannot allocate memory\s*$/i,
    ],
    cause:
      'Every VF needs its own BAR (MMIO) window, reserved by the firmware behind the PF. The firmware ' +
      'reserved none or too little: SR-IOV (or "Above 4G decoding" / 64-bit MMIO) is off in the BIOS, ' +
      'or the BIOS sized the bridge windows for the PFs only. The write to sriov_numvfs then fails with ' +
      'ENOMEM (-12, "Cannot allocate memory").',
    fix: [
      'In the firmware setup enable SR-IOV (global and per slot/NIC) and "Above 4G decoding" (64-bit MMIO), then reboot',
      'If it still fails, boot with the kernel argument pci=realloc so Linux resizes the bridge windows itself (see vfleet host doctor for the exact grub edit)',
      'Then create the VFs again: echo 0 > sriov_numvfs; echo N > sriov_numvfs',
    ],
    doctorChecks: ['sriov-firmware'],
    kernelLogSeverity: 'error',
  },
  {
    id: 'sriov-bus-range',
    source: 'kernel',
    title: 'SR-IOV refused: the VFs need bus numbers the firmware did not reserve',
    patterns: [
      /SR-IOV: bus number out of range/i,
      /can't enable \d+ VFs \(bus [0-9a-f]+ out of range/i,
    ],
    cause:
      'VF routing ids (PF id + offset + n * stride) spill onto further PCI bus numbers when there are ' +
      'many VFs; the bridge above the PF was given no spare bus numbers by the firmware (often because ' +
      'SR-IOV or ARI support is off in the BIOS).',
    fix: [
      'Enable SR-IOV and ARI (Alternative Routing-ID Interpretation) in the firmware setup, or update the BIOS',
      'Or boot with pci=assign-busses so Linux numbers the buses itself (x86)',
      'Or create fewer VFs on this PF',
    ],
    doctorChecks: ['sriov-firmware'],
    kernelLogSeverity: 'error',
  },
  {
    id: 'sriov-numvfs-busy',
    source: 'kernel',
    title: 'sriov_numvfs only moves between 0 and N: "Device or resource busy"',
    patterns: [/\d+ VFs already enabled\. Disable before enabling \d+ VFs/i],
    textOnlyPatterns: [
      /sriov_numvfs[^\n]*(?:Device or resource busy|EBUSY)/i,
      /(?:Device or resource busy|EBUSY)[^\n]*sriov_numvfs/i,
      /write error: Device or resource busy/i,
      /^\s*Device or resource busy\s*$/i,
    ],
    cause:
      'The kernel changes the VF count only from 0 to N or from N to 0; writing another non-zero count ' +
      'while VFs exist fails with EBUSY. Going to 0 destroys every VF of the PF, including VFs held by VMs.',
    fix: [
      'Stop or detach whatever uses the VFs of this PF (VMs, containers)',
      'echo 0 > /sys/bus/pci/devices/<pf>/sriov_numvfs, then echo N > the same file',
    ],
    kernelLogSeverity: 'info',
  },
  {
    id: 'sriov-vfs-assigned',
    source: 'kernel',
    title: 'VFs cannot be removed while they are assigned to VMs',
    patterns: [
      /Cannot deallocate SR-IOV virtual functions while they are assigned/i,
      /while VFs are assigned/i,
    ],
    cause:
      'A VF of this PF is bound to vfio-pci and held by a running VM, so the driver keeps the VFs.',
    fix: [
      'Find the holder: vfleet host scan (driver vfio-pci) and virsh list / virsh dumpxml',
      'Shut the VM down or detach the hostdev, then change sriov_numvfs',
    ],
    kernelLogSeverity: 'warning',
  },
  {
    id: 'sriov-partial',
    source: 'kernel',
    title: 'The driver created fewer VFs than asked',
    patterns: [/\d+ VFs requested; only \d+ enabled/i],
    cause:
      'The PF driver enabled fewer VFs than written to sriov_numvfs: a driver or firmware limit (queues, ' +
      'MSI-X vectors, NUM_OF_VFS in the NIC firmware) is lower than sriov_totalvfs.',
    fix: [
      'Ask for at most the number the driver enabled, or raise the limit in the NIC firmware (e.g. mlxconfig NUM_OF_VFS for mlx5)',
    ],
    doctorChecks: ['sriov-totalvfs'],
    kernelLogSeverity: 'warning',
  },
  {
    id: 'sriov-no-sysfs',
    source: 'kernel',
    title: 'The PF driver cannot create VFs through sriov_numvfs',
    patterns: [/Driver does(?: not|n't) support SRIOV configuration via sysfs/i],
    cause: 'The bound PF driver has no sriov_configure hook (old or out-of-tree driver).',
    fix: [
      'Use the in-kernel driver or a newer release of the vendor driver',
      'Old drivers take the VF count as a module parameter instead (max_vfs= or num_vfs=, see modinfo <driver>)',
    ],
    doctorChecks: ['pf-driver'],
    kernelLogSeverity: 'warning',
  },
];
