import type { ExportNetwork, OwnedHost, OwnedVf } from './owned-devices.js';
import type { NetworkQos } from './kubernetes-networks.js';

/** VFs `first..last` of a PF at bus `bus`, all with one owner, physnet, trust and driver. */
function vfs(
  bus: string,
  first: number,
  last: number,
  v: Omit<OwnedVf, 'index' | 'pciAddress'>,
): OwnedVf[] {
  const out: OwnedVf[] = [];
  for (let index = first; index <= last; index++) {
    const fn = (index + 1) % 8;
    const slot = 0x10 + Math.floor((index + 1) / 8);
    out.push({ ...v, index, pciAddress: `0000:${bus}:${slot.toString(16)}.${fn}` });
  }
  return out;
}

const k8s = { owner: 'kubernetes', physnet: 'physnet1', trusted: false, driver: 'igbvf' };

/**
 * Two hosts that share their PFs between owners: kubernetes VFs trusted and
 * not, in one run and in pieces, on a PF without netdev; libvirt-pool VFs
 * as a whole PF and as a part of one; and VFs of other owners that no
 * export may show.
 */
export const exampleHosts: readonly OwnedHost[] = [
  {
    id: 'node-b',
    pfs: [
      {
        pciAddress: '0000:81:00.0',
        ifname: 'ens2f0',
        vendorId: '8086',
        deviceId: '1521',
        numVfs: 4,
        vfs: [
          ...vfs('81', 0, 1, k8s),
          ...vfs('81', 2, 2, { ...k8s, owner: 'libvirt-pool', physnet: 'physnet2' }),
          ...vfs('81', 3, 3, k8s),
        ],
      },
      {
        pciAddress: '0000:82:00.0',
        ifname: null,
        vendorId: '15b3',
        deviceId: '1017',
        numVfs: 2,
        vfs: vfs('82', 0, 1, { ...k8s, physnet: 'Phys_3', driver: 'vfio-pci' }),
      },
    ],
  },
  {
    id: 'node-a',
    pfs: [
      {
        pciAddress: '0000:03:00.1',
        ifname: 'ens1f1',
        vendorId: '8086',
        deviceId: '1521',
        numVfs: 4,
        vfs: vfs('04', 0, 3, { ...k8s, owner: 'libvirt-pool', physnet: 'physnet2' }),
      },
      {
        pciAddress: '0000:03:00.0',
        ifname: 'ens1f0',
        vendorId: '8086',
        deviceId: '1521',
        numVfs: 8,
        vfs: [
          ...vfs('03', 0, 3, k8s),
          ...vfs('03', 4, 5, { ...k8s, trusted: true, driver: 'vfio-pci' }),
          ...vfs('03', 6, 6, { ...k8s, owner: 'vfleet' }),
          ...vfs('03', 7, 7, { ...k8s, owner: 'openstack' }),
        ],
      },
    ],
  },
];

export const exampleNetworks: readonly (ExportNetwork & NetworkQos)[] = [
  {
    name: 'blue',
    tenant: 'acme',
    physnet: 'physnet1',
    vlan: 100,
    vlanQoS: 3,
    minTxRate: 100,
    maxTxRate: 1000,
  },
  { name: 'Red_Net', tenant: 'Globex', physnet: 'Phys_3', vlan: 200 },
  { name: 'green', tenant: 'acme', physnet: 'physnet2', vlan: 300 },
];
