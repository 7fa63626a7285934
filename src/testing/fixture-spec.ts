import type { VfInfoJson } from './fake-ip-state.js';

/** A compact description of a fake SR-IOV host for tests. */
export interface FixtureHostSpec {
  readonly pfs: readonly FixturePfSpec[];
  readonly otherNics?: readonly FixtureNicSpec[];
  readonly cmdline?: string;
  readonly dmesg?: string;
  /** IOMMU on: /sys/class/iommu/dmar0 and iommu groups. Default true. */
  readonly iommu?: boolean;
  readonly cpuVendor?: 'GenuineIntel' | 'AuthenticAMD';
  readonly hostname?: string;
  readonly kernel?: string;
  /** /sys/bus/pci/drivers/vfio-pci exists. Default true. */
  readonly vfioLoaded?: boolean;
  readonly pciIds?: string;
  /** Netdevs that are Linux bridges. */
  readonly bridges?: readonly string[];
}

export interface FixturePfSpec {
  readonly pciAddress: string;
  readonly vendorId?: string;
  readonly deviceId?: string;
  readonly vfDeviceId?: string;
  readonly driver?: string | null;
  /** Driver autoprobe binds new VFs to. */
  readonly vfDriver?: string | null;
  readonly ifname?: string | null;
  readonly mac?: string;
  readonly totalVfs?: number;
  /** VFs present now: a count (all defaults) or one entry per VF. */
  readonly vfs?: number | readonly FixtureVfSpec[];
  readonly offset?: number;
  readonly stride?: number;
  readonly numaNode?: number;
  readonly localCpus?: string;
  readonly up?: boolean;
  readonly speed?: number | null;
  readonly master?: string | null;
  /** `ip link set vf` keywords the driver rejects. */
  readonly unsupported?: readonly string[];
  /** Write virtfnN links (real kernels do). Default true. */
  readonly virtfnLinks?: boolean;
}

export interface FixtureVfSpec {
  /** undefined: the PF's vfDriver; null: no driver. */
  readonly driver?: string | null;
  readonly netdev?: string;
  readonly info?: Partial<VfInfoJson>;
}

export interface FixtureNicSpec {
  readonly pciAddress: string;
  readonly vendorId?: string;
  readonly deviceId?: string;
  readonly driver?: string;
  readonly ifname?: string;
}

export function pfDefaults(pf: FixturePfSpec) {
  const vfs =
    typeof pf.vfs === 'number' ? Array.from({ length: pf.vfs }, () => ({})) : (pf.vfs ?? []);
  return {
    pciAddress: pf.pciAddress,
    vendorId: pf.vendorId ?? '8086',
    deviceId: pf.deviceId ?? '10c9',
    vfDeviceId: pf.vfDeviceId ?? '10ca',
    driver: pf.driver === undefined ? 'igb' : pf.driver,
    vfDriver: pf.vfDriver === undefined ? 'igbvf' : pf.vfDriver,
    ifname: pf.ifname === undefined ? `pf${pf.pciAddress.slice(5, 7)}` : pf.ifname,
    mac: pf.mac ?? '52:54:00:12:34:56',
    totalVfs: pf.totalVfs ?? 7,
    vfs: vfs as readonly FixtureVfSpec[],
    offset: pf.offset ?? 128,
    stride: pf.stride ?? 2,
    numaNode: pf.numaNode ?? -1,
    localCpus: pf.localCpus ?? '0-1',
    up: pf.up ?? true,
    speed: pf.speed === undefined ? 1000 : pf.speed,
    master: pf.master ?? null,
    unsupported: pf.unsupported ?? [],
    virtfnLinks: pf.virtfnLinks ?? true,
  };
}
