import type { KnowledgeEntry } from './entry.js';

/** devlink eswitch, vdpa and vhost-vdpa answers (switchdev and vDPA paths). */
export const SWITCHDEV_ENTRIES: readonly KnowledgeEntry[] = [
  {
    id: 'eswitch-mode-vfs-bound',
    source: 'kernel',
    title: 'The eswitch mode cannot change now: VFs are bound, or exist',
    patterns: [
      /Can'?t change mode while VFs are bound/i,
      /Changing eswitch mode is allowed only if there is no VFs created/i,
      /devlink.*eswitch set.*(Device or resource busy|Operation not permitted)/i,
    ],
    textOnlyPatterns: [/eswitch.*busy/i],
    cause:
      'Each driver takes a mode change in its own order: mlx5 with its VFs created but bound to no driver; ' +
      'ice only with no VF at all (sriov_numvfs 0). Offloaded TC rules (the PF in an OVS bridge) also block it.',
    fix: [
      'Declare eswitchMode in the host state: vfleet host apply changes it in the order the driver needs (with --force when VFs are in use)',
      'By hand, mlx5: unbind every VF, devlink dev eswitch set pci/<pf> mode switchdev, then echo <vf> > /sys/bus/pci/drivers_probe',
      'By hand, ice: echo 0 > sriov_numvfs, set the mode, then create the VFs again',
      'Take the PF out of any OVS bridge first',
    ],
    doctorChecks: ['switchdev'],
  },
  {
    id: 'vdpa-no-mgmtdev',
    source: 'iproute2',
    title: 'No vDPA management device of that name',
    patterns: [/vdpa dev add.*(No such device|Operation not supported)/i],
    cause:
      'The management device does not exist: the NIC vDPA driver is not loaded (mlx5_vdpa), the VF is bound ' +
      'to vfio-pci instead of its kernel driver, the NIC has no vDPA (ConnectX-6 Dx or later for mlx5), or ' +
      'the simulator (vdpa_sim_net) is not loaded.',
    fix: [
      'vdpa mgmtdev show lists what exists',
      'modprobe mlx5_vdpa (or vdpa_sim_net for the simulator), with the VF on its kernel driver (vfDriver: kernel)',
    ],
    doctorChecks: ['vdpa'],
  },
  {
    id: 'vhost-vdpa-missing',
    source: 'libvirt',
    title: 'The vDPA char device is missing: vhost_vdpa does not hold the device',
    patterns: [
      /Could not open '?\/dev\/vhost-vdpa-\d+'?/i,
      /\/dev\/vhost-vdpa-\d+.*No such file or directory/i,
    ],
    cause:
      '/dev/vhost-vdpa-N exists only while the vDPA device is bound to vhost_vdpa. Without the module, or with ' +
      'virtio_vdpa loaded first, the device is a host netdev instead, and its number can change when it is made again.',
    fix: [
      'modprobe vhost_vdpa, and bind the device: vfleet host apply does both for declared vdpa devices',
      'Render the domain from the current fleet facts (vfleet instance boot): the char device name comes from the scan',
    ],
    doctorChecks: ['vdpa'],
  },
];
