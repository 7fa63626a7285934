import type { NumaPolicy } from '../vocabulary.js';

/** What one port needs: a VF, or a whole PF (`direct-physical`). */
export interface PortNeed {
  readonly physnet: string;
  /** A trusted port needs a VF whose spec tags it trusted (not asked of a whole PF). */
  readonly trusted: boolean;
  /** The whole PF, free and offered whole on the physnet, instead of one of its VFs. */
  readonly wholePf?: boolean;
  /** What the port's vNIC type needs of the VF itself (absent: any VF). */
  readonly vfFeature?: VfFeature;
}

/**
 * What a vNIC type needs of its VF: `netdev`, the VF bound to a kernel
 * driver (a macvtap port sits on the VF's netdev; a vfio-pci VF has none);
 * `vdpa`, a vDPA device on the VF.
 */
export type VfFeature = 'netdev' | 'vdpa';

export interface ScheduleRequest {
  readonly vcpus: number;
  readonly memoryMb: number;
  readonly numaPolicy: NumaPolicy;
  readonly hostLabels: Readonly<Record<string, string>>;
  readonly ports: readonly PortNeed[];
  /** Every port on its own PF (redundancy); otherwise distinct PFs are only preferred. Whole PFs always are. */
  readonly distinctPfs: boolean;
}

/** Free VFs of one PF that share a physnet and trust tag, and have (or lack) a kernel netdev. */
export interface FreeVfGroup {
  readonly physnet: string;
  readonly trusted: boolean;
  /** The VFs are bound to a kernel driver and have a netdev, as the agent last reported. */
  readonly netdev: boolean;
  /**
   * Each VF has a vDPA device on vhost_vdpa (absent: none). Such VFs serve
   * `vdpa` ports only: a hostdev or macvtap port would take the VF from
   * under its device.
   */
  readonly vdpa?: boolean;
  readonly count: number;
}

export interface CandidatePf {
  readonly id: number;
  readonly pciAddress: string;
  readonly numaNode: number | null;
  readonly free: readonly FreeVfGroup[];
  /** Present when the PF itself is free to take whole; such a PF has no VFs (free is empty). */
  readonly whole?: { readonly physnet: string };
}

export interface CandidateNumaNode {
  readonly node: number;
  readonly socket: number;
  readonly freeCpus: number;
}

/** A host as the scheduler sees it; built by the store from current rows. */
export interface CandidateHost {
  readonly id: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ready: boolean;
  readonly healthy: boolean;
  /** Cordoned by an operator (`vfleet hosts cordon`): no new placements, nor migrations to it. */
  readonly cordoned: boolean;
  /** null: the host does not report memory; not checked. Its allocation rule applied. */
  readonly freeMemoryMb: number | null;
  /** Empty: the host reports no NUMA topology; CPUs and NUMA policy are not checked. */
  readonly numaNodes: readonly CandidateNumaNode[];
  readonly pfs: readonly CandidatePf[];
}

/**
 * A host as the scheduler's view holds it: its candidate facts on every
 * physnet (`healthy` is the agent's own flag) and when its agent was last
 * seen; staleness is decided per request, against its clock.
 */
export interface ViewHost {
  readonly host: CandidateHost;
  readonly lastSeen: string | null;
}

export const WEIGHERS = ['pack', 'spread'] as const;
export type Weigher = (typeof WEIGHERS)[number];

export interface PortPlacement {
  readonly pfId: number;
  readonly physnet: string;
  /** Take a VF tagged trusted (true) or untrusted (false); false for a whole PF. */
  readonly vfTrusted: boolean;
  /** Take a VF with (true) or without (false) a kernel netdev; absent: any. */
  readonly vfNetdev?: boolean;
  /** Take a VF with a vDPA device (true; a `vdpa` port) or without one (false or absent). */
  readonly vfVdpa?: boolean;
  /** Take the PF itself (`direct-physical`), not a VF of it. */
  readonly wholePf?: boolean;
}

export interface Placement {
  readonly hostId: string;
  readonly numaNode: number | null;
  /** One per requested port, in request order. */
  readonly ports: readonly PortPlacement[];
}

/** Why hosts were turned down, counted per reason, for the NO_CAPACITY message. */
export interface Rejections {
  cordoned: number;
  notReady: number;
  unhealthy: number;
  labels: number;
  memory: number;
  cpus: number;
  vfs: number;
}

export type ScheduleResult =
  | { readonly ok: true; readonly placements: readonly Placement[] }
  | { readonly ok: false; readonly message: string; readonly rejections: Rejections };
