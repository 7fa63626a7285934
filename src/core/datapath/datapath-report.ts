/**
 * The report of `vfleet bench datapath` (issue 18), as plain readonly types:
 * core/datapath may import only core's own files, so the API's zod schema
 * wraps these types at the contract rather than the other way round.
 */

/**
 * The datapaths compared, in the order the seeds compare them: the VF
 * itself, then the kernel's software paths from fastest to slowest, and vDPA
 * (a VF's datapath behind virtio's interface).
 */
export const DATAPATH_PATHS = ['vf', 'macvtap', 'vhost', 'virtio', 'e1000', 'vdpa'] as const;
export type DatapathPath = (typeof DATAPATH_PATHS)[number];

/** RFC 2544's Ethernet frame sizes (section 9.1), in bytes counting the FCS. */
export const FRAME_SIZES = [64, 128, 256, 512, 1024, 1280, 1518] as const;

/** One trial as the generator and the receiver counted it. */
export interface TrialResult {
  /** The rate asked of the generator. */
  readonly offeredPps: number;
  /** Frames the generator actually put on the path (may fall short of offered × duration). */
  readonly sentFrames: number;
  /** Frames the receiver counted; stray frames can push it above sent (loss is then 0). */
  readonly receivedFrames: number;
  readonly durationMs: number;
}

/** RFC 2544 throughput of one path at one frame size. */
export interface ThroughputPoint {
  readonly frameSize: number;
  /**
   * Frames per second: the highest rate whose loss stayed within the
   * acceptable loss ratio (RFC 2544 reports throughput as frames/s); 0 when
   * even the lowest rate tried lost frames.
   */
  readonly ratePps: number;
  /**
   * The same rate in Mbit/s on the wire (layer 1): each frame counts its
   * size plus 20 bytes of preamble, start delimiter and inter-frame gap, so
   * line rate reads as the link's speed (10 Gbit/s, not 7.6 at 64 bytes).
   */
  readonly mbps: number;
  /** Trials the search ran for this point. */
  readonly trials: number;
  /** Loss ratio measured at `ratePps`; null when no rate passed. */
  readonly lossRatioAtRate: number | null;
  /** The generator could not send faster: the device may do better than `ratePps`. */
  readonly generatorLimited: boolean;
}

/** Latency percentiles in microseconds, measured at a fraction of the throughput rate. */
export interface LatencySummary {
  readonly p50Us: number;
  readonly p90Us: number;
  readonly p99Us: number;
  readonly maxUs: number;
  readonly samples: number;
  /** The rate the samples were taken at. */
  readonly atPps: number;
}

export interface FrameLatency {
  readonly frameSize: number;
  /** Null when no sample came back (nothing passed, or the path dropped every probe). */
  readonly summary: LatencySummary | null;
}

export interface PathReport {
  readonly path: DatapathPath;
  /** Why the path was not measured (no vDPA device, no libvirt, ...); null when it was. */
  readonly skipped: string | null;
  /** What the two ends were (two VFs of one PF, two macvlans, two VMs); null when skipped. */
  readonly endpoints: string | null;
  readonly points: readonly ThroughputPoint[];
  readonly latency: readonly FrameLatency[];
}

/** The CPUs the sender and receiver ran on, so two runs can be compared. */
export interface CpuPinning {
  readonly senderCpus: readonly number[];
  readonly receiverCpus: readonly number[];
}

/** NUMA nodes of the NIC and both endpoints; null where the host does not say. */
export interface NumaPlacement {
  readonly nicNode: number | null;
  readonly senderNode: number | null;
  readonly receiverNode: number | null;
}

export interface DatapathReport {
  readonly host: string;
  readonly kernel: string;
  readonly nic: string;
  readonly driver: string;
  /** The traffic generator used (pktgen, trafgen, testpmd), with its version. */
  readonly generator: string;
  readonly pinning: CpuPinning;
  readonly numa: NumaPlacement;
  /** The NICs are emulated (the lab's igb under QEMU): the figures say nothing about hardware. */
  readonly emulated: boolean;
  /** Printed with the report when set; always set when `emulated`. */
  readonly caveat: string | null;
  /** The loss ratio a trial could have and still pass (0 is RFC 2544's strict rule). */
  readonly acceptableLoss: number;
  readonly trialDurationMs: number;
  readonly paths: readonly PathReport[];
  /** ISO 8601, from the caller's clock. */
  readonly startedAt: string;
  readonly durationS: number;
}
