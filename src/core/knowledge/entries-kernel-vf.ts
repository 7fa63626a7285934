import type { KnowledgeEntry } from './entry.js';

/** Kernel messages of PF and VF drivers about individual VFs. */
export const KERNEL_VF_ENTRIES: readonly KnowledgeEntry[] = [
  {
    id: 'vf-pf-reset',
    source: 'kernel',
    title: 'VF driver found its PF down or resetting ("Is the PF interface up?")',
    patterns: [/PF still in reset state\.?\s+Is the PF interface up\?/i, /PF still resetting/i],
    cause:
      'The VF driver (igbvf, ixgbevf) probed while the PF was down or still resetting, typically right ' +
      'after sriov_numvfs was written and before the PF link came up. The VF could not get its MAC from ' +
      'the PF and picked a random one. Harmless when the PF is up now and the VF MACs are set through the PF.',
    fix: [
      'Bring the PF up before creating VFs: ip link set dev <pf> up',
      'Set each VF MAC through the PF: ip link set dev <pf> vf N mac <mac>',
      'If a VF stays unusable, rebind its driver (echo <vf> > /sys/bus/pci/drivers/<driver>/unbind, then echo <vf> > /sys/bus/pci/drivers_probe)',
    ],
    doctorChecks: ['pf-down'],
    kernelLogSeverity: 'info',
  },
  {
    id: 'vf-random-mac',
    source: 'kernel',
    title: 'VF got a random MAC address',
    patterns: [/Assigning random MAC address/i],
    cause:
      'The PF had not assigned a MAC to this VF, so the VF driver made one up; it changes on every ' +
      'driver reload, which breaks DHCP reservations and MAC-based filters.',
    fix: [
      'Assign a fixed MAC through the PF: ip link set dev <pf> vf N mac <mac> (vfleet does this from the desired state)',
    ],
    kernelLogSeverity: 'info',
  },
  {
    id: 'vf-mac-reload',
    source: 'kernel',
    title: 'VF MAC changed while its driver was bound: reload needed',
    patterns: [/Reload the VF driver to make this change effective/i],
    cause:
      'igb (and others) program the new MAC into the hardware at once, but a VF driver that is already ' +
      'running keeps the old one until it re-initialises.',
    fix: [
      'Rebind the VF driver (unbind, then echo <vf> > /sys/bus/pci/drivers_probe) or reboot the guest that owns the VF',
      'Better: set VF MACs before the VF driver binds or the VM starts',
    ],
    kernelLogSeverity: 'info',
  },
  {
    id: 'vf-mac-override',
    source: 'kernel',
    title: 'A guest tried to change an administratively set VF MAC',
    patterns: [
      /attempted to override administratively set MAC address/i,
      /attempting to override administratively set MAC address/i,
    ],
    cause:
      'The host set the VF MAC through the PF; an untrusted VF may not change it, so the PF driver refused ' +
      'the guest (bonding, VRRP and some DPDK applications change MACs).',
    fix: [
      'Use the assigned MAC inside the guest',
      'Or allow it: ip link set dev <pf> vf N trust on (the guest may then also enter promiscuous mode)',
    ],
    kernelLogSeverity: 'warning',
  },
  {
    id: 'vf-spoof',
    source: 'kernel',
    title: 'A VF sent frames with a source MAC or VLAN it does not own',
    patterns: [/Spoof event\(s\) detected on VF \d+/i, /\d+ Spoofed packets detected/i],
    cause:
      'spoofchk is on for the VF and the guest sent frames whose source MAC (or VLAN) differs from the ' +
      'one assigned; the NIC dropped them. Bonding or bridges inside the guest cause this.',
    fix: [
      'Make the guest use the assigned MAC, or turn the check off for that VF: ip link set dev <pf> vf N spoofchk off',
    ],
    kernelLogSeverity: 'warning',
  },
  {
    id: 'vf-mdd',
    source: 'kernel',
    title: 'NIC detected a malicious or faulty VF driver (MDD)',
    patterns: [/Malicious Driver Detection event/i, /\bMDD event\b/i],
    cause:
      'The NIC (i40e, ice, ixgbe) saw malformed transmit descriptors from a VF and reset or disabled it; ' +
      'usually an old VF driver (iavf, ixgbevf, DPDK PMD) in the guest.',
    fix: [
      'Update the VF driver or DPDK in the guest and the PF driver/NIC firmware on the host',
      'Reset the VF by rebinding its driver or restarting the guest',
    ],
    kernelLogSeverity: 'warning',
  },
];
