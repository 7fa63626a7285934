import type { EswitchMode } from './vocabulary.js';

/**
 * Raw facts the host adapters read (sysfs, iproute2), before assembly into
 * a HostInventory. Plain data, so assembly is pure and testable.
 */

/** One PCI function of network class, as sysfs shows it. */
export interface PciFunctionFacts {
  readonly pciAddress: string;
  readonly vendorId: string | null;
  readonly deviceId: string | null;
  readonly driver: string | null;
  readonly driverOverride: string | null;
  readonly numaNode: number | null;
  readonly localCpus: string | null;
  readonly iommuGroup: number | null;
  readonly netdevs: readonly string[];
  /** Present only on SR-IOV capable functions. */
  readonly sriov: SriovFacts | null;
  /** The PF of a VF (from the `physfn` link). */
  readonly physfn: string | null;
}

export interface SriovFacts {
  readonly totalVfs: number | null;
  readonly numVfs: number | null;
  readonly offset: number | null;
  readonly stride: number | null;
  readonly vfDeviceId: string | null;
  /** `virtfnN` links: VF index -> VF PCI address. */
  readonly virtfns: ReadonlyMap<number, string>;
}

export interface NetdevFacts {
  readonly name: string;
  readonly mac: string | null;
  readonly operstate: string | null;
  readonly adminUp: boolean | null;
  readonly speedMbps: number | null;
  readonly mtu: number | null;
  readonly master: string | null;
}

/** One VF as the PF's netlink `vfinfo_list` reports it. */
export interface VfLinkFacts {
  readonly index: number;
  readonly mac: string | null;
  readonly vlan: number;
  readonly qos: number;
  readonly vlanProto: '802.1Q' | '802.1ad';
  readonly spoofchk: boolean | null;
  readonly trust: boolean | null;
  readonly linkState: 'auto' | 'enable' | 'disable' | null;
  readonly minTxRate: number;
  readonly maxTxRate: number;
}

/**
 * A VF's traffic counters as the PF's driver reports them (`ip -s link`,
 * IFLA_VF_STATS). Dropped counts are null where the kernel sends none
 * (before Linux 5.13, or a driver that does not count them).
 */
export interface VfTrafficStats {
  readonly index: number;
  readonly rxBytes: number;
  readonly rxPackets: number;
  readonly rxMulticast: number;
  readonly rxBroadcast: number;
  readonly rxDropped: number | null;
  readonly txBytes: number;
  readonly txPackets: number;
  readonly txDropped: number | null;
}

/**
 * A netdev's parent device and its place on a NIC's embedded switch, from
 * `ip -j -d link show`: a representor is a port `pfNvfM` (or `cCpfNvfM`)
 * whose switch id is its PF's.
 */
export interface LinkPortFacts {
  readonly ifname: string;
  /** `pci`, `netdevsim`, ... and the device on that bus (`0000:3b:00.0`, `netdevsim10`). */
  readonly parentBus: string | null;
  readonly parentDev: string | null;
  readonly switchId: string | null;
  readonly portName: string | null;
  /** The link reports a `vfinfo_list`: it can have VFs. */
  readonly hasVfInfo: boolean;
  readonly mac: string | null;
  readonly operstate: string | null;
  readonly adminUp: boolean | null;
}

/** `devlink dev eswitch show HANDLE`; null fields where the driver reports none. */
export interface EswitchFacts {
  /** devlink handle, `pci/0000:3b:00.0` or `netdevsim/netdevsim10`. */
  readonly handle: string;
  readonly mode: EswitchMode | null;
  readonly inlineMode: string | null;
  readonly encapMode: string | null;
}

/** `vdpa mgmtdev show`: where vDPA devices can be created. */
export interface VdpaMgmtdevFacts {
  /** `pci/0000:08:00.2` for a PCI function, a bare name (`vdpasim_net`) otherwise. */
  readonly name: string;
  readonly classes: readonly string[];
  readonly maxVqs: number | null;
  readonly features: readonly string[];
}

/** `vdpa dev show` and `dev config show`, plus the bus driver and char device from sysfs. */
export interface VdpaDeviceFacts {
  readonly name: string;
  readonly mgmtdev: string;
  /** `network`, `block`, ... */
  readonly type: string | null;
  readonly mac: string | null;
  readonly mtu: number | null;
  readonly maxVqs: number | null;
  readonly maxVqSize: number | null;
  /** `vhost_vdpa`, `virtio_vdpa`, or null when no bus driver holds it. */
  readonly driver: string | null;
  /** `/dev/vhost-vdpa-N` while bound to vhost_vdpa. */
  readonly charDev: string | null;
}

export interface HostFacts {
  readonly hostname: string | null;
  readonly kernel: string | null;
  readonly functions: readonly PciFunctionFacts[];
  readonly netdevs: ReadonlyMap<string, NetdevFacts>;
  /** PF netdev name -> its vfinfo_list. */
  readonly vfLinks: ReadonlyMap<string, readonly VfLinkFacts[]>;
  /** Every netdev's parent and switch port (representors, PFs off PCI). */
  readonly linkPorts: readonly LinkPortFacts[];
  /** Eswitches of the devlink devices asked about (PFs whose driver may have one). */
  readonly eswitches: readonly EswitchFacts[];
  /** `hw-tc-offload` of netdevs asked about (switchdev uplinks), by name. */
  readonly tcOffload: ReadonlyMap<string, boolean>;
  /** Non-PCI PF device (`netdevsim/netdevsim10`) -> its driver and `sriov_numvfs`. */
  readonly nonPciDevices: ReadonlyMap<string, { driver: string | null; numVfs: number | null }>;
  readonly vdpaMgmtdevs: readonly VdpaMgmtdevFacts[];
  readonly vdpaDevices: readonly VdpaDeviceFacts[];
  /** `vendor` or `vendor:device` (lower-case hex) -> name, from pci.ids. */
  readonly pciNames: ReadonlyMap<string, string>;
  /** Files that exist but could not be understood. */
  readonly warnings: readonly string[];
}
