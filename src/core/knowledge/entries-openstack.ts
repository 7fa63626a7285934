import type { KnowledgeEntry } from './entry.js';

/** Nova and Neutron errors seen with SR-IOV ports. */
export const OPENSTACK_ENTRIES: readonly KnowledgeEntry[] = [
  {
    id: 'openstack-binding-failed',
    source: 'openstack',
    title: 'Neutron could not bind the SR-IOV port (vif_type=binding_failed)',
    patterns: [/vif_type=binding_failed/i, /Binding failed for port/i],
    cause:
      'No mechanism driver could bind the port on that compute host: the SR-IOV NIC agent is not running ' +
      "there, or its physical_device_mappings lack the network's physnet, or sriovnicswitch is missing " +
      'from mechanism_drivers.',
    fix: [
      'openstack network agent list --host <host>: the "NIC Switch agent" must be alive',
      'On the host: systemctl status neutron-sriov-nic-agent; physical_device_mappings = <physnet>:<pf ifname>',
      'ML2: mechanism_drivers includes sriovnicswitch; then recreate the port',
    ],
  },
  {
    id: 'openstack-pci-request',
    source: 'openstack',
    title: 'Nova found no PCI device for the request',
    patterns: [
      /PCI device not found for request/i,
      /PCI device request[^\n]* failed/i,
      /PciDeviceRequestFailed/i,
    ],
    cause:
      'No free VF on the host matches the request: [pci] device_spec does not match the VFs (ids, ' +
      'address, devname), its physical_network tag differs from the network, all VFs are taken, or ' +
      'nova-compute started before the VFs existed (sriov_numvfs is not persistent across reboot).',
    fix: [
      'Check the VFs exist and are free: vfleet host scan',
      'Check [pci] device_spec (vendor_id, product_id, physical_network) on the compute node',
      'Restart nova-compute after the VFs are created so it reports them',
    ],
    doctorChecks: ['sriov-totalvfs'],
  },
  {
    id: 'openstack-no-valid-host',
    source: 'openstack',
    title: 'Nova: No valid host was found',
    patterns: [/No valid host was found/i],
    cause:
      'Every host was filtered out. With SR-IOV ports usually PciPassthroughFilter (no host with a free ' +
      'matching VF on that physnet) or NUMATopologyFilter (policy required, VFs on another NUMA node).',
    fix: [
      'nova-scheduler log: which filter returned 0 hosts',
      'enabled_filters includes PciPassthroughFilter; device_spec and alias agree on controller and computes',
      'Free VFs exist on some host; consider the preferred or legacy PCI NUMA policy',
    ],
  },
];
