import type { ExportHost, ExportPf, ExportVf } from './export-fleet.js';
import type { NetworkQos } from './kubernetes-networks.js';
import type { ExportNetwork } from './owned-devices.js';
import { vfDeviceIdFor } from './vf-device-ids.js';

/** VFs `first..last` of a PF at bus `bus`, all with one owner, physnet, trust and driver. */
function vfs(
  bus: string,
  first: number,
  last: number,
  v: Omit<ExportVf, 'index' | 'pciAddress'>,
): ExportVf[] {
  const out: ExportVf[] = [];
  for (let index = first; index <= last; index++) {
    const fn = (index + 1) % 8;
    const slot = 0x10 + Math.floor((index + 1) / 8);
    out.push({ ...v, index, pciAddress: `0000:${bus}:${slot.toString(16)}.${fn}` });
  }
  return out;
}

/** An igb-like PF of the given ids for the export tests; `rest` overrides any field. */
export const examplePf = (
  pciAddress: string,
  ifname: string | null,
  ids: [string, string],
  rest: Partial<ExportPf> = {},
): ExportPf => ({
  pciAddress,
  ifname,
  vendorId: ids[0],
  deviceId: ids[1],
  vfDeviceId: vfDeviceIdFor(ids[0], ids[1]),
  driver: 'igb',
  numaNode: 0,
  totalVfs: 8,
  eswitchMode: null,
  whole: null,
  bandwidth: null,
  vfs: [],
  ...rest,
});

const pf = (
  pciAddress: string,
  ifname: string | null,
  ids: [string, string],
  vfList: ExportVf[],
): ExportPf => examplePf(pciAddress, ifname, ids, { vfs: vfList });

const k8s = { owner: 'kubernetes', physnet: 'physnet1', trusted: false, driver: 'igbvf' } as const;
const pool = { ...k8s, owner: 'libvirt-pool', physnet: 'physnet2' } as const;

/**
 * Two hosts that share their PFs between owners: kubernetes VFs trusted and
 * not, in one run and in pieces, on a PF without netdev and on a model
 * whose VF id vfleet does not know; libvirt-pool VFs as a whole PF and as a
 * part of one, over two PFs of a host; and VFs of other owners that neither export may show.
 */
export const exampleHosts: readonly ExportHost[] = [
  {
    name: 'node-b',
    pfs: [
      pf(
        '0000:81:00.0',
        'ens2f0',
        ['8086', '1521'],
        [...vfs('81', 0, 1, k8s), ...vfs('81', 2, 2, pool), ...vfs('81', 3, 3, k8s)],
      ),
      pf(
        '0000:82:00.0',
        null,
        ['15b3', '1017'],
        vfs('82', 0, 1, { ...k8s, physnet: 'Phys_3', driver: 'vfio-pci' }),
      ),
      pf(
        '0000:83:00.0',
        'ens3',
        ['1234', 'abcd'],
        [...vfs('83', 0, 0, { ...k8s, physnet: 'Phys_3' }), ...vfs('83', 1, 1, pool)],
      ),
    ],
  },
  {
    name: 'node-a',
    pfs: [
      pf('0000:03:00.1', 'ens1f1', ['8086', '1521'], vfs('04', 0, 3, pool)),
      pf(
        '0000:03:00.0',
        'ens1f0',
        ['8086', '1521'],
        [
          ...vfs('03', 0, 3, k8s),
          ...vfs('03', 4, 5, { ...k8s, trusted: true, driver: 'vfio-pci' }),
          ...vfs('03', 6, 6, { ...k8s, owner: 'vfleet' }),
          ...vfs('03', 7, 7, { ...k8s, owner: 'openstack' }),
        ],
      ),
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
