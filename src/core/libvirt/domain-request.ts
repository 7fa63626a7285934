import type { NumaPolicy, VfDriverKind } from '../vocabulary.js';
import type { VirtType } from './hypervisor-facts.js';

/**
 * What the libvirt renderers need to know about an instance and the devices
 * claimed for it, and no more (the controller builds these from its records
 * and the host inventory). Everything here is checked by
 * `validateDomainRequest` before a single element is rendered.
 */

/** A claimed VF as the host reports it. */
export interface ClaimedVf {
  /** `dddd:bb:ss.f`; null when the host could not tell (refused for `direct`). */
  readonly pciAddress: string | null;
  readonly pfIfname: string | null;
  readonly vfIndex: number | null;
  /** The VF's kernel netdev; null when bound to vfio-pci or driverless. */
  readonly netdev: string | null;
  readonly driverKind: VfDriverKind;
  /** `/dev/vhost-vdpa-N` when a vDPA device was created on the VF. */
  readonly vdpaDevice: string | null;
  readonly iommuGroup: number | null;
  /** null when the kernel reports no affinity (-1). */
  readonly numaNode: number | null;
}

/** A whole PF handed to one instance (`direct-physical`). */
export interface ClaimedPf {
  readonly pciAddress: string | null;
  readonly ifname: string | null;
  readonly iommuGroup: number | null;
  readonly numaNode: number | null;
}

interface VfPortBase {
  /** Port id; also names the device in the domain (alias `ua-<id>`). */
  readonly id: string;
  readonly mac: string;
  /** 0 = untagged. */
  readonly vlan: number;
  readonly vf: ClaimedVf;
}

export interface DirectPort extends VfPortBase {
  readonly vnicType: 'direct';
}

export interface MacvtapPort extends VfPortBase {
  readonly vnicType: 'macvtap';
}

export interface VdpaPort extends VfPortBase {
  readonly vnicType: 'vdpa';
}

export interface DirectPhysicalPort {
  readonly id: string;
  readonly vnicType: 'direct-physical';
  readonly pf: ClaimedPf;
}

export type NormalSource =
  | { readonly kind: 'bridge'; readonly bridge: string }
  | { readonly kind: 'network'; readonly network: string };

/**
 * The NIC a `normal` port shows the guest: virtio (vhost backend), or `igb`,
 * QEMU's emulation of an SR-IOV NIC: the guest gets a PF on which its own
 * kernel can create up to 7 VFs (nested SR-IOV, e.g. a container host that
 * hands VFs to its containers).
 */
export const NIC_MODELS = ['virtio', 'igb'] as const;
export type NicModel = (typeof NIC_MODELS)[number];

/** A NIC on a bridge or libvirt network: the metadata NIC, a migration standby, or an emulated SR-IOV PF. */
export interface NormalPort {
  readonly id: string;
  readonly vnicType: 'normal';
  readonly mac: string;
  readonly vlan: number;
  readonly source: NormalSource;
  /** Default virtio; a standby is always virtio. */
  readonly model?: NicModel;
  /**
   * Id of the `direct` port this NIC stands in for during live migration
   * (libvirt failover pair). Both must carry the same MAC.
   */
  readonly standbyFor?: string;
}

export type DomainPort = DirectPort | MacvtapPort | VdpaPort | DirectPhysicalPort | NormalPort;

/** One host NUMA node: its CPUs and the socket (package) it sits on. */
export interface HostNumaNode {
  readonly node: number;
  readonly cpus: readonly number[];
  /** null when unknown; the `socket` policy needs it. */
  readonly socket: number | null;
  /** The node's pages of the host's default hugepage size; absent when it has none or did not say. */
  readonly hugepages?: NodeHugepages;
}

/** Hugepages of one size on one NUMA node (`/sys/devices/system/node/nodeN/hugepages/`). */
export interface NodeHugepages {
  readonly sizeKb: number;
  readonly total: number;
  readonly free: number;
}

export const DISK_FORMATS = ['qcow2', 'raw'] as const;

/**
 * Guest memory on hugepages, as a boot asks: `auto` is decided once, when
 * the instance is placed, from the free hugepages its host reports.
 */
export const HUGEPAGES_MODES = ['off', 'auto', 'on'] as const;
export type HugepagesMode = (typeof HUGEPAGES_MODES)[number];
export type DiskFormat = (typeof DISK_FORMATS)[number];

/** A minimal guest booting from one disk image. */
export interface DomainTemplate {
  readonly kind: 'template';
  /** The host's domain type (its agent says); default kvm. */
  readonly virtType?: VirtType;
  /** Absolute path on the host. */
  readonly diskImage: string;
  readonly diskFormat?: DiskFormat;
  /** Default x86_64 (with machine q35). */
  readonly arch?: string;
  readonly machine?: string;
}

/** The user's own domain XML; vfleet inserts its devices and tuning into it. */
export interface BaseDomainXml {
  readonly kind: 'xml';
  readonly xml: string;
  /** An image disk vfleet adds before the base's own devices (`boot.image` with `boot.domainXml`). */
  readonly disk?: { readonly path: string; readonly format: DiskFormat };
}

/** Who may write what into a domain (domain-policy.ts): a tenant, or a trusted token. */
export const DOMAIN_POLICIES = ['tenant', 'trusted'] as const;
export type DomainPolicy = (typeof DOMAIN_POLICIES)[number];

export interface DomainRequest {
  readonly name: string;
  readonly uuid?: string;
  readonly vcpus: number;
  readonly memoryMb: number;
  readonly numaPolicy: NumaPolicy;
  readonly ports: readonly DomainPort[];
  readonly base: DomainTemplate | BaseDomainXml;
  /** The host's NUMA nodes (empty on a host without NUMA information). */
  readonly hostNuma: readonly HostNumaNode[];
  /**
   * Host CPUs dedicated to this instance, one per vCPU in order (from the
   * scheduler). Without it every vCPU floats over the local CPUs.
   */
  readonly pinnedCpus?: readonly number[];
  /**
   * `tenant`: the domain gets vfleet's dynamic seclabel in place of any
   * other. Absent: the document is rendered as given (trusted).
   */
  readonly policy?: DomainPolicy;
  /**
   * Back guest memory with the host's default-size hugepages
   * (`<memoryBacking><hugepages/>`): fewer TLB misses for a forwarding
   * guest. On a NUMA placement libvirt takes them from the `<numatune>` node.
   */
  readonly hugepages?: boolean;
  /**
   * Absolute host path of the guest's cloud-init seed (seed-disk.ts), which
   * the agent writes: attached as a read-only CD-ROM. Absent: none.
   */
  readonly seedIso?: string;
}

/** A libvirt network of type hostdev: a VF pool for one physnet. */
export interface HostdevNetworkRequest {
  readonly name: string;
  /** One PF whose VFs form the pool (libvirt takes a single `<pf>`)... */
  readonly pfIfname?: string;
  /** ...or an explicit list of VF addresses, e.g. the physnet's VFs over several PFs. */
  readonly vfAddresses?: readonly string[];
}
