import type { HostInventory, NonPciPf, NonPciVf, Pf, Vf } from '../core/inventory.js';
import { NO_VDPA } from '../core/inventory.js';
import { formatPciAddress, parsePciAddress, vfAddress } from '../core/pci-address.js';

/** Hand-built inventories for pure tests (plan, safety): igb-like defaults, override what matters. */

export function vf(pfAddress: string, index: number, over: Partial<Vf> = {}): Vf {
  const bdf = parsePciAddress(pfAddress);
  if (bdf === null) throw new Error(`bad address ${pfAddress}`);
  return {
    index,
    pciAddress: formatPciAddress(vfAddress(bdf, 128, 2, index)),
    driver: 'igbvf',
    driverKind: 'kernel',
    driverOverride: null,
    netdev: `eth${10 + index}`,
    netdevMac: null,
    netdevUp: false,
    mac: '00:00:00:00:00:00',
    vlan: 0,
    qos: 0,
    vlanProto: '802.1Q',
    spoofchk: true,
    trust: false,
    linkState: 'auto',
    minTxRate: 0,
    maxTxRate: 0,
    iommuGroup: 30 + index,
    numaNode: null,
    master: null,
    representor: null,
    vdpa: null,
    ...over,
  };
}

export function pf(pciAddress: string, over: Partial<Pf> & { vfCount?: number } = {}): Pf {
  const { vfCount, ...rest } = over;
  const vfs = rest.vfs ?? Array.from({ length: vfCount ?? 0 }, (_, i) => vf(pciAddress, i));
  return {
    pciAddress,
    vendorId: '8086',
    deviceId: '10c9',
    vendorName: null,
    deviceName: null,
    ifname: 'eth0',
    driver: 'igb',
    totalVfs: 7,
    numVfs: vfs.length,
    vfDeviceId: '10ca',
    vfOffset: 128,
    vfStride: 2,
    mac: '52:54:00:12:34:56',
    linkState: 'up',
    adminUp: true,
    speedMbps: 1000,
    mtu: 1500,
    numaNode: null,
    localCpus: '0-1',
    localCpuList: [0, 1],
    iommuGroup: 6,
    master: null,
    eswitchMode: null,
    hwTcOffload: null,
    ...rest,
    vfs,
  };
}

/** A netdevsim VF as its PF netdev reports it: zeroed settings, as netdevsim makes them. */
export function nonPciVf(index: number, over: Partial<NonPciVf> = {}): NonPciVf {
  return {
    index,
    mac: '00:00:00:00:00:00',
    vlan: 0,
    qos: 0,
    vlanProto: '802.1Q',
    spoofchk: false,
    trust: false,
    linkState: 'auto',
    minTxRate: 0,
    maxTxRate: 0,
    representor: null,
    ...over,
  };
}

/** netdevsim1 with its port netdev (legacy, link down); `vfCount` zeroed VFs unless `vfs` is given. */
export function nonPciPf(over: Partial<NonPciPf> & { vfCount?: number } = {}): NonPciPf {
  const { vfCount, ...rest } = over;
  const vfs = rest.vfs ?? Array.from({ length: vfCount ?? 0 }, (_, i) => nonPciVf(i));
  return {
    device: 'netdevsim/netdevsim1',
    ifname: 'eth2',
    driver: 'netdevsim',
    numVfs: vfs.length,
    mac: '2e:1d:45:79:1e:b6',
    linkState: 'down',
    adminUp: false,
    switchId: 'c89ff39c82239d81',
    eswitchMode: 'legacy',
    hwTcOffload: null,
    ...rest,
    vfs,
  };
}

export function inventory(pfs: readonly Pf[], over: Partial<HostInventory> = {}): HostInventory {
  return {
    hostname: 'test',
    kernel: '6.1.0',
    pfs,
    otherNics: [],
    nonPciPfs: [],
    vdpa: NO_VDPA,
    warnings: [],
    ...over,
  };
}
