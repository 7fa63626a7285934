import type { KnowledgeEntry } from './entry.js';

/** `ip link set <pf> vf N ...` answers. */
export const IPROUTE2_ENTRIES: readonly KnowledgeEntry[] = [
  {
    id: 'ip-vf-not-supported',
    source: 'iproute2',
    title: 'The PF driver does not support this VF setting',
    patterns: [/RTNETLINK answers: Operation not supported/i],
    cause:
      'VF settings are per driver: igb has no VF link-state control (state auto|enable|disable), and ' +
      'not every driver implements trust, rate limits or spoof checking. It also happens when the device is not a PF.',
    fix: [
      'vfleet host doctor lists the known VF feature limits of each PF driver',
      'Leave the setting out for this driver (igb: the VF link follows the PF)',
    ],
    doctorChecks: ['driver-vf-features'],
  },
  {
    id: 'ip-vf-invalid',
    source: 'iproute2',
    title: 'The PF driver rejected a VF value',
    patterns: [/RTNETLINK answers: Invalid argument/i],
    cause:
      'Common VF reasons: min_tx_rate on igb/ixgbe/i40e (not supported), max_tx_rate above the link speed ' +
      'or set while the PF has no link (igb: also for a few seconds after sriov_numvfs is written, while the ' +
      'PF resets and renegotiates; vfleet apply waits for carrier), VLAN above 4094, qos above 7, a VF index beyond sriov_numvfs, a ' +
      'multicast or zero MAC.',
    fix: ['Check the value against the driver limits (vfleet host doctor) and the PF link state'],
    doctorChecks: ['driver-vf-features', 'pf-down'],
  },
  {
    id: 'ip-vf-vlan-proto',
    source: 'iproute2',
    title: 'The PF driver does not support 802.1ad VF VLANs',
    patterns: [/RTNETLINK answers: Protocol not supported/i],
    cause:
      'vlan proto 802.1ad (QinQ) on a VF is rejected with EPROTONOSUPPORT by igb, ixgbe and i40e.',
    fix: ['Use 802.1Q VLANs on this NIC'],
    doctorChecks: ['driver-vf-features'],
  },
  {
    id: 'ip-not-permitted',
    source: 'iproute2',
    title: 'Not allowed to change this link',
    patterns: [/RTNETLINK answers: Operation not permitted/i],
    cause:
      'EPERM: the command ran without CAP_NET_ADMIN (not root, a rootless or unprivileged container, a ' +
      'systemd unit with a reduced capability set), or an LSM (SELinux, AppArmor) denied it. Inside a ' +
      'guest, a VF driver refuses a MAC change when the host administratively set the VF MAC and the VF is ' +
      'not trusted.',
    fix: [
      'Run as root, or give the process CAP_NET_ADMIN (vfleet agent and vfleet host apply need it)',
      'In a container: run it in the host network namespace with CAP_NET_ADMIN',
      'In a guest: let the host set the MAC (vfleet port mac=), or declare the VF trusted',
    ],
  },
  {
    id: 'ip-no-device',
    source: 'iproute2',
    title: 'The interface name does not exist (any more)',
    patterns: [/Cannot find device "?[^"\s]+"?/i],
    cause:
      'Interface names are not stable: the PF was renamed at boot, its driver is not loaded, or VFs were ' +
      'recreated under new names.',
    fix: ['Name PFs by PCI address (vfleet does); vfleet host scan shows the current names'],
  },
];
