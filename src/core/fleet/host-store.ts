import type { DeviceSpec, Host, NumaNode, PfRecord, ReportedVfDetails, VfRecord } from './model.js';
import type { Page, PageQuery } from './page.js';
import type { InstanceView } from './claim-store.js';
import type { EventNote, NewEvent } from './events.js';
import type { HostRenderFacts } from './host-render-facts.js';
import type { IrqPinSummary, VmResult } from './vm-store.js';
import type {
  FleetCapacity,
  HostCounts,
  HostFilter,
  HostVfCounts,
  SpecRollout,
} from './host-query.js';

/** What an agent reports, reduced to what the controller keeps. */
export interface HostReport {
  readonly pfs: readonly ReportedPf[];
  readonly numaNodes: readonly NumaNode[];
  readonly memoryMb: number | null;
  readonly healthy: boolean;
  readonly findings: readonly unknown[];
}

/** A PF as an agent reports it: the stored record less what the controller assigns. */
export interface ReportedPf extends Omit<PfRecord, 'id' | 'hostId' | 'specId' | 'whole'> {
  readonly vfs: readonly ReportedVf[];
}

export interface ReportedVf {
  readonly index: number;
  readonly pciAddress: string;
  readonly reported: ReportedVfDetails;
}

export interface ApplyOutcome {
  readonly generation: number;
  /** PF-level steps succeeded (numVfs, drivers); VF failures are listed apart. */
  readonly ok: boolean;
  /** PCI addresses of VFs whose settings could not be applied. */
  readonly failedVfs: readonly string[];
  readonly message: string | null;
}

/** The VF settings the controller wants on one VF that a port holds. */
export interface BoundVf {
  readonly pfId: number;
  readonly index: number;
  readonly mac: string;
  readonly vlan: number;
  readonly trusted: boolean;
  readonly spoofchk: boolean;
  readonly maxTxRate: number;
  readonly minTxRate: number;
}

export interface DesiredInputs {
  readonly host: Host;
  readonly pfs: readonly PfRecord[];
  readonly specs: readonly DeviceSpec[];
  readonly bound: readonly BoundVf[];
}

export interface HostStore {
  /** Creates the host on first contact; labels only apply to a new host. */
  register(id: string, labels: Readonly<Record<string, string>>, now: string): Promise<Host>;
  get(id: string): Promise<Host | null>;
  /**
   * One page in the filter's sort order, filtered in the query (health
   * from lastSeen against `staleBefore`); the page key is the sort's key
   * and the id (`[id]` or `[lastSeen, id]`).
   */
  page(q: PageQuery, filter: HostFilter): Promise<Page<Host>>;
  /** PFs and VFs by state of each of these hosts (one grouped query); hosts without PFs are left out. */
  counts(ids: readonly string[]): Promise<HostCounts[]>;
  /** The fleet's hosts by health and readiness, and its VFs by physnet and by physnet and NUMA node. */
  capacity(staleBefore: string): Promise<FleetCapacity>;
  /** VFs by state of every host that has any (one grouped query; `--metrics-per-host`). */
  vfsByHost(): Promise<HostVfCounts[]>;
  /** `spec --wait`: the hosts spec `specId` governs PFs of, counted; the first `limit`, not done first. */
  specRollout(specId: string, limit: number): Promise<SpecRollout>;
  setLabels(
    id: string,
    labels: Readonly<Record<string, string>>,
    note?: EventNote<Host>,
  ): Promise<Host | null>;
  devices(id: string): Promise<{ pfs: PfRecord[]; vfs: VfRecord[] }>;
  /** The ports holding the host's VFs and whole PFs, with their instance and network (the host map). */
  holders(id: string): Promise<PortHolder[]>;
  /**
   * Syncs PFs and VFs, tags them from the specs, bumps generations when the
   * declared state moved, and keeps the facts domains are rendered from, in
   * one transaction: a host's inventory never changes without its facts.
   */
  report(id: string, report: HostReport, facts: HostRenderFacts, now: string): Promise<Host>;
  /**
   * What each host's desired state is built from, for many hosts in one set
   * of reads (a spec change wakes the long polls of every host it reaches at
   * once); a host not registered is missing from the map.
   */
  desiredInputs(ids: readonly string[]): Promise<ReadonlyMap<string, DesiredInputs>>;
  /**
   * A heartbeat naming the last full report by its digest: true (last_seen
   * moved) when the host holds that report and no device waits for a full
   * sync to go; false when the agent must send the report in full.
   */
  heartbeat(id: string, digest: string, now: string): Promise<boolean>;
  /** Writes last_seen for many hosts at once (never moving one back). */
  writeSightings(sightings: readonly Sighting[]): Promise<void>;
  /**
   * Records the applied generation, the agent's domain results and IRQ pins,
   * and releases each instance whose domain is now gone as asked, with its
   * events, in one transaction. Returns the host as the generation left it.
   */
  applied(id: string, outcome: ApplyOutcome, vms: AppliedVms, now: string): Promise<Host>;
}

/** A host heard from at `at` (ISO time). */
export interface Sighting {
  readonly id: string;
  readonly at: string;
}

/** What an applied report says of the host's domains, kept with its generation. */
export interface AppliedVms {
  /** The agent's last IRQ pinning; absent: the one kept stays. */
  readonly irqs?: IrqPinSummary | undefined;
  readonly results: readonly VmResult[];
  /** Pure: the events of an instance whose domain is gone, released here (as it was before). */
  readonly goneEvents: (instance: InstanceView) => readonly NewEvent[];
}

/** A port as the host map shows it on the VF (or whole PF) it holds. */
export interface PortHolder {
  readonly portId: string;
  readonly instanceId: string | null;
  /** The instance's name; null while the port belongs to no instance. */
  readonly instance: string | null;
  readonly tenant: string;
  readonly network: string;
  /** null for a whole PF (the guest uses the PF's own MAC). */
  readonly mac: string | null;
  readonly vlan: number;
  /** The port's VF settings (meaningless for a whole PF: no host filter applies there). */
  readonly spoofchk: boolean;
  readonly maxTxRate: number;
  readonly minTxRate: number;
  /** The desired generation that carries the port's settings to its VF or PF. */
  readonly pendingGeneration: number;
}
