import type { VdpaDeviceFacts, VdpaMgmtdevFacts, VfLinkFacts } from './host-facts.js';
import type { EswitchMode, VfDriverKind, VfLinkState, VlanProtocol } from './vocabulary.js';

/**
 * What `vfleet host scan` reports: the JSON contract documented in
 * docs/scan-json.md. Field names are stable; new fields may be added.
 * `null` always means "the host does not report it", never "zero".
 */
export interface HostInventory {
  readonly hostname: string | null;
  readonly kernel: string | null;
  readonly pfs: readonly Pf[];
  /** Network PCI functions that are neither an SR-IOV PF nor one of its VFs. */
  readonly otherNics: readonly OtherNic[];
  /**
   * Netdevs with VFs that are not PCI functions (netdevsim; some vendor
   * drivers): reported with their VF settings and eswitch, never treated as
   * PCI PFs (no VF address, no driver binding, no vfio).
   */
  readonly nonPciPfs: readonly NonPciPf[];
  /** vDPA management devices and devices (`vdpa mgmtdev show`, `vdpa dev show`). */
  readonly vdpa: VdpaInventory;
  /** Host files that exist but could not be understood (value reported as null). */
  readonly warnings: readonly string[];
}

export interface PciIds {
  readonly pciAddress: string;
  /** Four lower-case hex digits, no 0x (`8086`). */
  readonly vendorId: string;
  readonly deviceId: string;
  readonly vendorName: string | null;
  readonly deviceName: string | null;
}

export interface Pf extends PciIds {
  readonly ifname: string | null;
  readonly driver: string | null;
  readonly totalVfs: number;
  readonly numVfs: number;
  /** Device id the VFs will carry (`sriov_vf_device`), e.g. `10ca`. */
  readonly vfDeviceId: string | null;
  /** First VF's routing-id offset and the stride between VFs (PCIe SR-IOV capability). */
  readonly vfOffset: number | null;
  readonly vfStride: number | null;
  readonly mac: string | null;
  /** Netdev operstate as the kernel reports it (`up`, `down`, `unknown`, ...). */
  readonly linkState: string | null;
  /** Administrative state: the IFF_UP flag. */
  readonly adminUp: boolean | null;
  readonly speedMbps: number | null;
  readonly mtu: number | null;
  /** NUMA node; null when the kernel reports -1 (no affinity). */
  readonly numaNode: number | null;
  /** CPUs local to the device, as the kernel's list (`0-15,32-47`). */
  readonly localCpus: string | null;
  readonly localCpuList: readonly number[];
  readonly iommuGroup: number | null;
  /** Bridge or bond the PF netdev is enslaved to. */
  readonly master: string | null;
  /** devlink eswitch mode; null when the driver has no eswitch or devlink was not asked. */
  readonly eswitchMode: EswitchMode | null;
  /** `hw-tc-offload` of the PF netdev (the uplink), read in switchdev mode only. */
  readonly hwTcOffload: boolean | null;
  readonly vfs: readonly Vf[];
}

export interface Vf {
  readonly index: number;
  readonly pciAddress: string;
  readonly driver: string | null;
  readonly driverKind: VfDriverKind;
  readonly driverOverride: string | null;
  readonly netdev: string | null;
  /** The VF netdev's own address and IFF_UP (kernel driver only): an up netdev is a host interface in use. */
  readonly netdevMac: string | null;
  readonly netdevUp: boolean | null;
  /** Administrative MAC, as the PF reports it in vfinfo_list. */
  readonly mac: string | null;
  /** 0 = untagged. */
  readonly vlan: number;
  readonly qos: number;
  readonly vlanProto: VlanProtocol;
  readonly spoofchk: boolean | null;
  readonly trust: boolean | null;
  readonly linkState: VfLinkState | null;
  /** Mbit/s; 0 = no limit. */
  readonly minTxRate: number;
  readonly maxTxRate: number;
  readonly iommuGroup: number | null;
  readonly numaNode: number | null;
  /** The VF netdev's master (bridge, bond) when enslaved. */
  readonly master: string | null;
  /** The VF's representor netdev (switchdev mode): where OVS plugs the VF. */
  readonly representor: string | null;
  /** The vDPA device made on this VF, when there is one. */
  readonly vdpa: VfVdpa | null;
}

export interface VfVdpa {
  readonly name: string;
  /** `/dev/vhost-vdpa-N` while bound to vhost_vdpa: what libvirt's `<interface type='vdpa'>` opens. */
  readonly charDev: string | null;
  readonly driver: string | null;
  readonly mac: string | null;
}

export interface NonPciPf {
  /** devlink-style handle of the parent device, `netdevsim/netdevsim10`. */
  readonly device: string;
  readonly ifname: string;
  readonly driver: string | null;
  readonly numVfs: number;
  readonly mac: string | null;
  readonly linkState: string | null;
  readonly adminUp: boolean | null;
  readonly switchId: string | null;
  readonly eswitchMode: EswitchMode | null;
  readonly hwTcOffload: boolean | null;
  readonly vfs: readonly NonPciVf[];
}

/** A VF off PCI: its settings as the PF reports them, and its representor. */
export interface NonPciVf extends VfLinkFacts {
  readonly representor: string | null;
}

export interface VdpaInventory {
  readonly mgmtdevs: readonly VdpaMgmtdev[];
  readonly devices: readonly VdpaDevice[];
}

/** Where a vDPA device or management device sits: a PCI function, and its PF when that is a VF. */
export interface VdpaPlace {
  readonly pciAddress: string | null;
  readonly pf: string | null;
  readonly vfIndex: number | null;
}

/** A management device (`pci/0000:08:00.2`, or a bare name such as `vdpasim_net` off PCI). */
export interface VdpaMgmtdev extends VdpaMgmtdevFacts, VdpaPlace {}

export interface VdpaDevice extends VdpaDeviceFacts, VdpaPlace {}

export interface OtherNic {
  readonly pciAddress: string;
  readonly vendorId: string;
  readonly deviceId: string;
  readonly vendorName: string | null;
  readonly deviceName: string | null;
  readonly driver: string | null;
  readonly ifname: string | null;
  readonly numaNode: number | null;
}

/** A host without vDPA. */
export const NO_VDPA: VdpaInventory = { mgmtdevs: [], devices: [] };
