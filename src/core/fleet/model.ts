import type { EswitchMode, NumaPolicy, VfOwner, VfState, VnicType } from '../vocabulary.js';
import type { DomainPolicy, NodeHugepages } from '../libvirt/domain-request.js';

/**
 * The fleet as the controller keeps it. Plain data shared by the store
 * interfaces (store.ts), the scheduler and the HTTP layer; ISO strings for
 * times so records go to JSON unchanged.
 */

export const TOKEN_ROLES = ['admin', 'tenant', 'agent'] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

export const HOST_HEALTHS = ['unknown', 'healthy', 'degraded', 'stale'] as const;
export type HostHealth = (typeof HOST_HEALTHS)[number];

export const INSTANCE_STATES = ['reserved', 'active', 'expired'] as const;
export type InstanceState = (typeof INSTANCE_STATES)[number];

export interface Token {
  readonly id: string;
  readonly name: string;
  readonly role: TokenRole;
  /** Set for tenant tokens: the tenant whose objects the token sees. */
  readonly tenant: string | null;
  /** Set for agent tokens: the only host the token may report for. */
  readonly host: string | null;
  /**
   * What the token's instances may put in a domain: `tenant` (the allowlist,
   * images by name) or `trusted` (any XML, any host path). docs/security.md.
   */
  readonly domainPolicy: DomainPolicy;
  readonly createdAt: string;
}

export interface NumaNode {
  readonly node: number;
  /** Socket (package) of the node; the node itself when unknown. */
  readonly socket: number;
  readonly cpus: number;
  /** The node's CPU numbers, when the agent sent them (rendering pins vCPUs on them). */
  readonly cpuList?: readonly number[] | undefined;
  /** Pages of the host's default hugepage size on this node (a boot's `hugepages: auto` reads them). */
  readonly hugepages?: NodeHugepages | undefined;
}

export interface Host {
  readonly id: string;
  readonly labels: Readonly<Record<string, string>>;
  /** From the last report's doctor findings; null before the first report. */
  readonly reportedHealthy: boolean | null;
  readonly lastSeen: string | null;
  /** Generation of the desired state; bumps on every change. */
  readonly desiredGeneration: number;
  /** Generation at which the spec-derived part (numVfs, drivers) last changed. */
  readonly specGeneration: number;
  readonly appliedGeneration: number;
  /** Declared state applied: only then is the host offered to the scheduler. */
  readonly ready: boolean;
  readonly numaNodes: readonly NumaNode[];
  readonly memoryMb: number | null;
  readonly lastApplyMessage: string | null;
  readonly findings: readonly unknown[];
  /** What a heartbeat names the last full report by (its digest); absent where not read. */
  readonly reportDigest?: string | null;
  /** Cordoned (no new placements, no migrations to it): why and since when; null when not. */
  readonly cordon: { readonly reason: string | null; readonly since: string } | null;
}

/** Health as shown: a host not seen since `staleBefore` is stale whatever it said last. */
export function hostHealth(h: Host, staleBefore: string): HostHealth {
  if (h.lastSeen === null || h.reportedHealthy === null) return 'unknown';
  if (h.lastSeen < staleBefore) return 'stale';
  return h.reportedHealthy ? 'healthy' : 'degraded';
}

export interface PfRecord {
  readonly id: number;
  readonly hostId: string;
  readonly pciAddress: string;
  readonly ifname: string | null;
  readonly vendorId: string;
  readonly deviceId: string;
  readonly driver: string | null;
  readonly totalVfs: number;
  readonly numVfs: number;
  readonly numaNode: number | null;
  /** As the agent's last scan saw it. */
  readonly link: PfLink;
  /** devlink eswitch mode at the agent's last scan; null when it has none or did not say. */
  readonly eswitchMode: EswitchMode | null;
  /** Device spec that selects this PF, when any. */
  readonly specId: string | null;
  /** The PF handed whole to a guest (`direct-physical`); null while its VFs are what is offered. */
  readonly whole: WholePf | null;
}

/** A PF netdev's link (docs/scan-json.md); each null when the host does not report it. */
export interface PfLink {
  /** The kernel's operstate: up, down, unknown, lowerlayerdown, ... */
  readonly state: string | null;
  /** IFF_UP: the interface was set up; a down link with adminUp false was set down on purpose. */
  readonly adminUp: boolean | null;
  /** Negotiated speed; null while the link is down. */
  readonly speedMbps: number | null;
}

/**
 * A PF offered whole (its spec says `wholePf`) or held whole by a port: it
 * goes through the lifecycle of a VF (free, reserved, allocated,
 * quarantined; dirty until the agent applied its release). Such a PF has
 * no VFs: one is never offered whole and by VFs at once.
 */
export interface WholePf {
  /** From the governing spec; null once no spec offers it whole (a port may still hold it). */
  readonly physnet: string | null;
  /** From the governing spec, with physnet; null once no spec offers it whole. */
  readonly owner: VfOwner | null;
  readonly state: VfState;
  readonly dirty: boolean;
  readonly portId: string | null;
  readonly reservedUntil: string | null;
  readonly note: string | null;
}

export interface VfRecord {
  readonly id: number;
  readonly pfId: number;
  readonly hostId: string;
  readonly index: number;
  readonly pciAddress: string;
  readonly numaNode: number | null;
  readonly state: VfState;
  /** Released but the agent has not yet confirmed the reset: never offered. */
  readonly dirty: boolean;
  readonly physnet: string | null;
  readonly trusted: boolean;
  /** From the spec that gives physnet and trust; null when no spec selects the VF. */
  readonly owner: VfOwner | null;
  readonly portId: string | null;
  readonly reservedUntil: string | null;
  readonly note: string | null;
  /** What the agent's last scan saw (docs/scan-json.md); null when it did not say. */
  readonly reported: ReportedVfDetails;
}

/** A VF's bound driver, IOMMU group and netdev (kernel driver only), as the host reports them. */
export interface ReportedVfDetails {
  readonly driver: string | null;
  readonly iommuGroup: number | null;
  readonly netdev: string | null;
  /** `/dev/vhost-vdpa-N` of a vDPA device on the VF, bound to vhost_vdpa; null when none. */
  readonly vdpaDev: string | null;
  /** The VF's representor netdev (its PF in switchdev mode); null when none. */
  readonly representor: string | null;
}

export interface DeviceSpec {
  readonly id: string;
  readonly name: string;
  readonly vendor: string | null;
  readonly device: string | null;
  readonly driver: string | null;
  /** Glob over the PF's PCI address (`0000:81:*`). */
  readonly pciAddress: string | null;
  /** A PF with VF index ranges (`0000:81:00.0#0-3,6`). */
  readonly pf: string | null;
  readonly physnet: string;
  readonly trusted: boolean;
  readonly numVfs: number;
  readonly vfDriver: string;
  /** The selected PFs are offered whole (`direct-physical` ports), never their VFs; numVfs is 0. */
  readonly wholePf: boolean;
  /** Who schedules the selected VFs (or whole PFs): only `vfleet`'s are ever claimed by vfleet. */
  readonly owner: VfOwner;
  /** Bandwidth of each selected PF offered to the consumer; null when not said. */
  readonly bandwidth: SpecBandwidth | null;
  /** The PFs' devlink eswitch mode (switchdev: hw-tc-offload on too); null: left as it is. */
  readonly eswitchMode: EswitchMode | null;
  /** A vDPA device on every VF, bound to vhost_vdpa: the VFs serve `vdpa` ports only. */
  readonly vdpa: boolean;
  readonly createdAt: string;
}

/** Mbit/s per direction; null: that direction not said. */
export interface SpecBandwidth {
  readonly egressMbps: number | null;
  readonly ingressMbps: number | null;
}

export interface VlanRange {
  readonly min: number;
  readonly max: number;
}

export interface Physnet {
  readonly name: string;
  readonly vlanRanges: readonly VlanRange[];
}

export interface Network {
  readonly id: string;
  readonly name: string;
  readonly tenant: string;
  readonly physnet: string;
  readonly vlan: number;
}

export interface Port {
  readonly id: string;
  readonly tenant: string;
  readonly networkId: string;
  readonly instanceId: string | null;
  readonly vnicType: VnicType;
  /** null for `direct-physical`: the guest uses the PF's own MAC. */
  readonly mac: string | null;
  readonly trusted: boolean;
  readonly spoofchk: boolean;
  readonly maxTxRate: number;
  readonly minTxRate: number;
  /** The VF bound to the port while its instance holds it (null for a whole PF). */
  readonly vfId: number | null;
}

export interface Instance {
  readonly id: string;
  readonly name: string;
  readonly tenant: string;
  readonly hostId: string | null;
  readonly state: InstanceState;
  readonly vcpus: number;
  readonly memoryMb: number;
  readonly numaPolicy: NumaPolicy;
  /** The NUMA node the instance's vCPUs are counted on; null when the host reports none. */
  readonly numaNode: number | null;
  readonly hostLabels: Readonly<Record<string, string>>;
  readonly createdAt: string;
}
