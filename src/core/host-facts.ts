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

export interface HostFacts {
  readonly hostname: string | null;
  readonly kernel: string | null;
  readonly functions: readonly PciFunctionFacts[];
  readonly netdevs: ReadonlyMap<string, NetdevFacts>;
  /** PF netdev name -> its vfinfo_list. */
  readonly vfLinks: ReadonlyMap<string, readonly VfLinkFacts[]>;
  /** `vendor` or `vendor:device` (lower-case hex) -> name, from pci.ids. */
  readonly pciNames: ReadonlyMap<string, string>;
  /** Files that exist but could not be understood. */
  readonly warnings: readonly string[];
}
