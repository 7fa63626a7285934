import type { KnowledgeEntry } from './entry.js';

/** libvirt, QEMU and virt-host-validate messages about PCI passthrough. */
export const LIBVIRT_ENTRIES: readonly KnowledgeEntry[] = [
  {
    id: 'libvirt-no-pci-passthrough',
    source: 'libvirt',
    title: 'libvirt: the host cannot pass PCI devices through (VT-d off)',
    patterns: [/host doesn't support passthrough of host PCI devices/i],
    cause:
      'libvirt found no usable IOMMU: VT-d / AMD-Vi is off in the firmware or the kernel command line ' +
      'lacks intel_iommu=on (Intel).',
    fix: [
      'Turn the IOMMU on (firmware setting plus kernel argument; vfleet host doctor shows the grub edit) and reboot',
      'Verify with: virt-host-validate qemu',
    ],
    doctorChecks: ['iommu'],
  },
  {
    id: 'libvirt-no-vfio',
    source: 'libvirt',
    title: 'libvirt: the host does not support VFIO PCI passthrough',
    patterns: [/host doesn't support VFIO PCI passthrough/i],
    cause:
      'libvirt checks for /dev/vfio/vfio and IOMMU groups: the vfio modules are not loaded or the IOMMU is off.',
    fix: [
      'modprobe vfio-pci (persist: echo vfio-pci > /etc/modules-load.d/vfio-pci.conf)',
      'Turn the IOMMU on if vfleet host doctor reports it off',
    ],
    doctorChecks: ['vfio-pci', 'iommu'],
  },
  {
    id: 'libvirt-host-validate-iommu',
    source: 'libvirt',
    title: 'virt-host-validate: IOMMU disabled in firmware or kernel',
    patterns: [/IOMMU appears to be disabled in kernel/i, /No ACPI (?:DMAR|IVRS) table found/i],
    cause:
      'No ACPI DMAR/IVRS table means VT-d / AMD-Vi is off in the firmware (or unsupported); a table but no ' +
      'active IOMMU means the kernel argument is missing.',
    fix: [
      'Enable VT-d / AMD-Vi in the firmware setup',
      'Add intel_iommu=on iommu=pt (or amd_iommu=on iommu=pt) to the kernel command line and reboot',
    ],
    doctorChecks: ['iommu'],
  },
  {
    id: 'libvirt-pci-in-use',
    source: 'libvirt',
    title: 'libvirt: the VF is already in use by another VM',
    patterns: [/PCI device \S+ is in use by driver \S+/i],
    cause:
      'The VF is assigned to another running domain (driver QEMU, domain X in the message), or two ' +
      'domain definitions name the same VF.',
    fix: [
      'Pick a free VF (vfleet host scan shows which VFs are bound to vfio-pci)',
      'Or detach it from the other domain first: virsh detach-device <domain> <hostdev.xml>',
    ],
  },
  {
    id: 'libvirt-ifla-vf-info',
    source: 'libvirt',
    title: 'libvirt: missing IFLA_VF_INFO in netlink response',
    patterns: [/missing IFLA_VF_INFO in netlink response/i],
    cause:
      'Old libnl versions read the netlink answer for a PF into a fixed-size buffer; with more than about ' +
      '30 VFs the per-VF info no longer fits and libvirt cannot read or set VF MAC/VLAN.',
    fix: ['Upgrade libnl (libnl-3) and libvirt', 'Or create at most 30 VFs on that PF'],
  },
  {
    id: 'qemu-no-iommu-models',
    source: 'libvirt',
    title: 'QEMU: vfio found no IOMMU model',
    patterns: [/No available IOMMU models/i],
    cause:
      'QEMU opened /dev/vfio/vfio but no IOMMU backend was usable: vfio_iommu_type1 is not loaded or the IOMMU is off.',
    fix: [
      'modprobe vfio_iommu_type1 (it comes with vfio-pci)',
      'Turn the IOMMU on if doctor reports it off',
    ],
    doctorChecks: ['vfio-pci', 'iommu'],
  },
  {
    id: 'qemu-group-not-viable',
    source: 'libvirt',
    title: 'QEMU: VFIO group is not viable',
    patterns: [/group \d+ is not viable/i, /VFIO group is not viable/i],
    cause:
      'Every device in an IOMMU group must be bound to vfio-pci (or no driver) before any of them can go ' +
      'to a VM. VFs normally have a group each; a shared group means no ACS isolation below the NIC.',
    fix: [
      'List the group: ls /sys/kernel/iommu_groups/<n>/devices',
      'Bind all of them to vfio-pci, or move the NIC to a slot whose root port has ACS',
    ],
    doctorChecks: ['iommu-groups'],
  },
  {
    id: 'qemu-vfio-no-group-device',
    source: 'libvirt',
    title: 'QEMU: /dev/vfio/<group> missing',
    patterns: [/failed to open \/dev\/vfio\/\d+: No such file or directory/i],
    cause:
      "The VF is not bound to vfio-pci, so its group has no /dev/vfio node (managed='no' without a detach).",
    fix: [
      "Use managed='yes' in the hostdev/interface, or bind the VF to vfio-pci first (driver_override + drivers_probe)",
    ],
    doctorChecks: ['vfio-pci'],
  },
  {
    id: 'qemu-vfio-device-busy',
    source: 'libvirt',
    title: 'QEMU: the VFIO device is already open',
    patterns: [/error getting device from group \d+: Device or resource busy/i],
    cause:
      'A VFIO device can be opened by one process at a time: another guest (or a DPDK or test program on ' +
      'the host) holds this VF, often a domain that was not cleaned up or two domains given one VF by hand.',
    fix: [
      'Find the holder: ls -l /proc/*/fd | grep /dev/vfio/<group>',
      'Let vfleet hand out VFs (one claim per VF), or stop the other user first',
    ],
    doctorChecks: ['vfio-pci'],
  },
  {
    id: 'qemu-vfio-permission',
    source: 'libvirt',
    title: 'QEMU: no permission on the VFIO group device',
    patterns: [/failed to open \/dev\/vfio\/\d+: Permission denied/i],
    cause:
      'QEMU runs as an unprivileged user and /dev/vfio/<group> belongs to root. libvirt changes its owner ' +
      "only for devices it manages (managed='yes', or a hostdev network); a QEMU started by hand, or a " +
      'device attached outside libvirt, keeps the root-only node.',
    fix: [
      "Let libvirt manage the device (vfleet's hostdev XML uses managed='yes')",
      'For QEMU started by hand: chown the /dev/vfio/<group> node to its user, and raise its locked-memory limit',
    ],
    doctorChecks: ['vfio-pci'],
  },
  {
    id: 'vfio-bind-no-device',
    source: 'kernel',
    title: 'vfio-pci refused to bind: it does not claim this device ID',
    patterns: [/vfio-pci\/bind[^\n]*No such device/i],
    textOnlyPatterns: [/write error: No such device$/i],
    cause:
      'Writing an address to /sys/bus/pci/drivers/vfio-pci/bind answers ENODEV when vfio-pci has no ID entry ' +
      'for the device and no driver_override names it (or the address does not exist).',
    fix: [
      'echo vfio-pci > /sys/bus/pci/devices/<addr>/driver_override, unbind the old driver, then echo <addr> > /sys/bus/pci/drivers_probe (what vfleet apply does)',
    ],
    doctorChecks: ['vfio-pci'],
  },
];
