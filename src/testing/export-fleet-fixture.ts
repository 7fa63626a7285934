import {
  hasVdpa,
  type ExportFleet,
  type ExportHost,
  type ExportOwner,
  type ExportVf,
} from '../core/exports/export-fleet.js';
import { examplePf } from '../core/exports/owned-devices-examples.js';

/**
 * A fleet for the export tests: one host whose devices go to every owner
 * (OpenStack, Kubernetes, vfleet itself), whole PFs among them, and one host
 * with nothing for OpenStack. VF addresses follow the 82576's layout (VFs
 * of function 0 and 1 interleaved from device 0x10).
 */
const vf = (
  bus: string,
  index: number,
  fn: number,
  owner: ExportOwner | null,
  physnet: string | null,
  trusted = false,
): ExportVf => ({
  index,
  pciAddress: `0000:${bus}:${(0x10 + Math.floor((index * 2 + fn) / 8)).toString(16)}.${(index * 2 + fn) % 8}`,
  owner,
  physnet,
  trusted,
});

const pf = examplePf;

const compute1: ExportHost = {
  name: 'compute-1',
  pfs: [
    // every VF OpenStack's on one physnet, rates declared one way
    pf('0000:81:00.0', 'ens1f0', ['8086', '10c9'], {
      bandwidth: { egressMbps: 10000, ingressMbps: null },
      vfs: [0, 1, 2, 3].map((i) => vf('81', i, 0, 'openstack', 'physnet1')),
    }),
    // shared: two trusted VFs for OpenStack, one for Kubernetes, one for
    // vfleet, and one OpenStack VF on a second physnet Neutron cannot map
    pf('0000:81:00.1', 'ens1f1', ['8086', '10c9'], {
      bandwidth: { egressMbps: 2500, ingressMbps: 2500 },
      vfs: [
        vf('81', 0, 1, 'openstack', 'physnet2', true),
        vf('81', 1, 1, 'openstack', 'physnet2', true),
        vf('81', 2, 1, 'kubernetes', 'physnet2'),
        vf('81', 3, 1, 'vfleet', 'physnet2'),
        vf('81', 4, 1, 'openstack', 'physnet3'),
      ],
    }),
    pf('0000:82:00.0', 'ens2', ['8086', '1521'], {
      totalVfs: 7,
      whole: { owner: 'openstack', physnet: 'physnet3' },
    }),
    pf('0000:83:00.0', 'ens3', ['15b3', '1017'], {
      driver: 'mlx5_core',
      whole: { owner: 'vfleet', physnet: 'physnet1' },
    }),
    pf('0000:84:00.0', 'ens4', ['8086', '10fb'], {
      driver: 'ixgbe',
      vfs: [0, 1].map((i) => vf('84', i, 0, 'kubernetes', 'physnet1')),
    }),
    // a model whose VF id vfleet does not know: all OpenStack's, yet named VF by VF
    pf('0000:85:00.0', 'ens5', ['1af4', 'abcd'], {
      driver: null,
      vfs: [0, 1].map((i) => vf('85', i, 0, 'openstack', 'physnet1')),
    }),
  ],
};

const compute2: ExportHost = {
  name: 'compute-2',
  pfs: [
    pf('0000:05:00.0', 'eno1', ['8086', '1521'], {
      vfs: [0, 1].map((i) => vf('05', i, 0, 'vfleet', 'physnet1')),
    }),
  ],
};

export const exportFleetFixture: ExportFleet = {
  hosts: [compute1, compute2],
  physnets: [
    { name: 'physnet1', vlanRanges: [{ min: 100, max: 199 }] },
    {
      name: 'physnet2',
      vlanRanges: [
        { min: 200, max: 209 },
        { min: 300, max: 310 },
      ],
    },
    { name: 'physnet3', vlanRanges: [] },
  ],
};

/**
 * A host's PCI functions as Nova's PCI tracker sees them (its `dev_dict`s):
 * a VF with a vDPA device is typed `vdpa`, as Nova's libvirt driver types a
 * VF that libvirt lists as the parent of a vDPA node device.
 */
export function novaPciDevices(host: ExportHost): Record<string, string | null>[] {
  return host.pfs.flatMap((p) => [
    {
      address: p.pciAddress,
      vendor_id: p.vendorId,
      product_id: p.deviceId,
      dev_type: 'type-PF',
      parent_addr: null,
    },
    ...p.vfs.map((v) => ({
      address: v.pciAddress,
      vendor_id: p.vendorId,
      product_id: p.vfDeviceId ?? p.deviceId,
      dev_type: hasVdpa(v) ? 'vdpa' : 'type-VF',
      parent_addr: p.pciAddress,
    })),
  ]);
}
