import type { CandidateHost, Placement } from '../scheduler/types.js';
import type { DomainPolicy } from '../libvirt/domain-request.js';
import type { NumaPolicy, VnicType } from '../vocabulary.js';
import type { EventStore, NewEvent } from './events.js';
import type { VmBoot } from './vm-domain.js';
import type { Page, PageQuery } from './page.js';
import type { QuotaDefaults } from './quota.js';
import type { QuotaStore } from './quota-store.js';
import type { VmStore } from './vm-store.js';
import type {
  DeviceSpec,
  Host,
  Instance,
  Network,
  NumaNode,
  PfRecord,
  Physnet,
  Port,
  Token,
  TokenRole,
  VfRecord,
} from './model.js';

/**
 * Storage as the controller needs it (Kysely style: defined by the caller,
 * implemented in src/adapters/store). Times are ISO strings handed in by the
 * caller, so tests control the clock. Methods that change several rows do so
 * in one transaction.
 */
export interface FleetStore {
  readonly tokens: TokenStore;
  readonly hosts: HostStore;
  readonly catalog: CatalogStore;
  readonly claims: ClaimStore;
  readonly vms: VmStore;
  readonly quotas: QuotaStore;
  /** What the fleet did (events.ts). */
  readonly events: EventStore;
  /** Wake-ups the store publishes on commit. */
  readonly notices: StoreNotices;
  close(): Promise<void>;
}

/**
 * Wake-ups published by the store itself when a transaction commits (never
 * for one rolled back), to every controller on the same database, as the
 * keys the change feed waits on: a host id when the host's desired state
 * changed or its agent reported new facts, `task:HOST` when a hypervisor
 * task of the host finished, `(events)` when events were recorded. Code
 * that changes a host publishes nothing itself, so none can forget to.
 */
export interface StoreNotices {
  /**
   * Starts listening; resolves once notices flow. `onKey(null)`: some may
   * have been lost (a reconnect), so every waiter should look again.
   */
  listen(onKey: (key: string | null) => void): Promise<void>;
}

export interface NewToken {
  readonly id: string;
  readonly name: string;
  readonly role: TokenRole;
  readonly tenant: string | null;
  readonly host: string | null;
  /** sha256 of the secret, hex; the secret itself is never stored. */
  readonly hash: string;
  /** Default `tenant` (docs/security.md). */
  readonly domainPolicy?: DomainPolicy;
  readonly now: string;
}

export interface TokenStore {
  create(t: NewToken): Promise<Token>;
  byHash(hash: string): Promise<Token | null>;
  get(id: string): Promise<Token | null>;
  /** One page, oldest first (page.ts). */
  page(q: PageQuery): Promise<Page<Token>>;
  remove(id: string): Promise<boolean>;
  count(role: TokenRole): Promise<number>;
  /**
   * Stores `t` if there is no admin token yet, running `keep` (which saves
   * its secret) before the insert commits: controllers starting together on
   * one empty database create one token between them, and a secret that
   * could not be saved leaves no token behind. Returns whether it did.
   */
  createFirstAdmin(t: NewToken, keep: () => Promise<void>): Promise<boolean>;
}

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
  readonly vfs: readonly { readonly index: number; readonly pciAddress: string }[];
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
  /** One page by id; `label`: only hosts with that label value. */
  page(q: PageQuery, label: readonly [string, string] | null): Promise<Page<Host>>;
  setLabels(id: string, labels: Readonly<Record<string, string>>): Promise<Host | null>;
  devices(id: string): Promise<{ pfs: PfRecord[]; vfs: VfRecord[] }>;
  /** The ports holding the host's VFs and whole PFs, with their instance and network (the host map). */
  holders(id: string): Promise<PortHolder[]>;
  /** Syncs PFs and VFs, tags them from the specs, bumps generations when the declared state moved. */
  report(id: string, report: HostReport, now: string): Promise<Host>;
  /** Re-tags every PF and VF after a spec change; bumps the hosts whose declared state moved. */
  retagAll(): Promise<string[]>;
  desiredInputs(id: string): Promise<DesiredInputs | null>;
  applied(id: string, outcome: ApplyOutcome, now: string): Promise<Host>;
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
  /** The desired generation that carries the port's settings to its VF or PF. */
  readonly pendingGeneration: number;
}

export interface NewNetwork {
  readonly id: string;
  readonly name: string;
  readonly tenant: string;
  readonly physnet: string;
  /** null: the lowest free VLAN of the physnet's ranges. */
  readonly vlan: number | null;
  /** Enforced in the creating transaction (networks, VLANs per physnet); absent: none. */
  readonly quotas?: QuotaDefaults;
  /** The caller sees every tenant: a VLAN clash may name another tenant's network. */
  readonly revealOthers?: boolean;
}

/** What `PATCH /v1/networks/{id}` may change; absent fields stay. */
export interface NetworkPatch {
  readonly name?: string | undefined;
  readonly physnet?: string | undefined;
  readonly vlan?: number | undefined;
}

/** A PF with where it lives, for checks such as numVfs against totalVfs. */
export type PfWhere = PfRecord & { readonly hostId: string };

export interface CatalogStore {
  createSpec(spec: DeviceSpec): Promise<DeviceSpec>;
  listSpecs(): Promise<DeviceSpec[]>;
  /** One page of specs in precedence order (oldest first). */
  pageSpecs(q: PageQuery): Promise<Page<DeviceSpec>>;
  getSpec(id: string): Promise<DeviceSpec | null>;
  removeSpec(id: string): Promise<boolean>;
  /**
   * Replaces a spec (same id and age) and re-tags the PFs it selected or
   * selects, in one transaction; CONFLICT naming the VFs when held ones
   * would be taken away. Null when there is no such spec.
   */
  updateSpec(spec: DeviceSpec): Promise<DeviceSpec | null>;
  allPfs(): Promise<PfWhere[]>;
  createPhysnet(p: Physnet): Promise<Physnet>;
  pagePhysnets(q: PageQuery): Promise<Page<Physnet>>;
  getPhysnet(name: string): Promise<Physnet | null>;
  removePhysnet(name: string): Promise<boolean>;
  /** New VLAN ranges; CONFLICT naming the networks whose VLAN they leave out. Null: no such physnet. */
  updatePhysnet(p: Physnet): Promise<Physnet | null>;
  createNetwork(n: NewNetwork): Promise<Network>;
  /** By tenant, then name; `tenant` null: every tenant's. */
  pageNetworks(tenant: string | null, q: PageQuery): Promise<Page<Network>>;
  getNetwork(id: string): Promise<Network | null>;
  networkByName(tenant: string, name: string): Promise<Network | null>;
  removeNetwork(id: string): Promise<boolean>;
  /** Renames or moves a network; a move (VLAN, physnet) is a CONFLICT while ports use it. */
  updateNetwork(
    id: string,
    patch: NetworkPatch,
    quotas?: QuotaDefaults,
    revealOthers?: boolean,
  ): Promise<Network | null>;
  /** By tenant, instance, place in the instance; `network` (an id): only its ports. */
  pagePorts(
    f: { tenant: string | null; network?: string | undefined },
    q: PageQuery,
  ): Promise<Page<PortView>>;
  getPort(id: string): Promise<PortView | null>;
}

/** A port with the VF it holds; a `direct-physical` port shows its PF as pciAddress and pf, vfIndex null. */
export interface PortView extends Port {
  /** The instance's name; null while the port belongs to no instance. */
  readonly instance: string | null;
  readonly network: string;
  readonly physnet: string;
  readonly vlan: number;
  readonly hostId: string | null;
  readonly pciAddress: string | null;
  readonly pf: string | null;
  readonly vfIndex: number | null;
}

export interface InstanceView extends Instance {
  readonly ports: readonly PortView[];
}

export interface NewPort {
  readonly id: string;
  /** Place in the request's `ports`; an instance lists its ports in this order (default: place in ClaimInput.ports). */
  readonly index?: number;
  readonly network: Network;
  readonly vnicType: VnicType;
  /** null for a whole PF (`direct-physical`): the guest uses the PF's own MAC. */
  readonly mac: string | null;
  /** The MAC was generated, so a clash means "pick another", not "conflict". */
  readonly macGenerated: boolean;
  readonly trusted: boolean;
  readonly spoofchk: boolean;
  readonly maxTxRate: number;
  readonly minTxRate: number;
}

export interface ClaimInput {
  readonly id: string;
  readonly name: string;
  readonly tenant: string;
  readonly vcpus: number;
  readonly memoryMb: number;
  readonly numaPolicy: NumaPolicy;
  readonly hostLabels: Readonly<Record<string, string>>;
  readonly placement: Placement;
  readonly ports: readonly NewPort[];
  readonly now: string;
  readonly reservedUntil: string;
  /** Hosts not seen since then are not healthy. */
  readonly staleBefore: string;
  /** The request's Idempotency-Key, stored in the claim's transaction. */
  readonly idempotency?: NewIdempotencyKey;
  /** Instance and VF quotas, checked in the claim's transaction (QUOTA_EXCEEDED); absent: none. */
  readonly quotas?: QuotaDefaults;
  /**
   * The rest of the unit of work, in the claim's transaction once its VFs
   * are picked: the domain to boot on them (null: none) and the events to
   * record. Pure; a throw rolls the whole claim back, so a boot refused
   * there leaves nothing to give back.
   */
  readonly complete?: (instance: InstanceView) => ClaimCompletion;
}

/** Events a release records in its own transaction (the instance as it was, before it went). */
export interface ReleaseEvents {
  readonly events: readonly NewEvent[];
  readonly now: string;
}

export interface ClaimCompletion {
  readonly boot: VmBoot | null;
  readonly events: readonly NewEvent[];
}

/** An Idempotency-Key as the claim stores it. */
export interface NewIdempotencyKey {
  /** Whose key: `tenant:T` for tenant tokens, `token:ID` for others. */
  readonly scope: string;
  readonly key: string;
  /** sha256 of the canonical request: the same key with another request is a conflict. */
  readonly requestHash: string;
  readonly expiresAt: string;
}

/** What a stored Idempotency-Key answers with. */
export interface IdempotencyRecord {
  readonly requestHash: string;
  readonly instanceId: string;
}

export type ClaimOutcome =
  | { readonly ok: true; readonly instance: InstanceView }
  /** `idempotency`: a request with the same key committed first. */
  | { readonly ok: false; readonly lost: 'host' | 'cpus' | 'memory' | 'vfs' | 'idempotency' }
  | { readonly ok: false; readonly lost: 'mac'; readonly portIndex: number };

/** What the sweep removed. */
export interface Purged {
  readonly instances: readonly string[];
  readonly keys: number;
}

export interface ClaimStore {
  candidates(physnets: readonly string[], staleBefore: string): Promise<CandidateHost[]>;
  /** All of an instance's VFs and whole PFs in one transaction, or nothing. */
  claim(c: ClaimInput): Promise<ClaimOutcome>;
  /** Frees the instance's VFs and whole PFs (dirty until the agent confirms) and drops its ports. */
  release(id: string, record?: ReleaseEvents): Promise<boolean>;
  /** Releases instances whose reservation was never bound; returns their ids. */
  expire(now: string): Promise<string[]>;
  /** Oldest first; `host`: only the instances placed there. */
  pageInstances(
    f: { tenant: string | null; host?: string | undefined },
    q: PageQuery,
  ): Promise<Page<InstanceView>>;
  getInstance(id: string): Promise<InstanceView | null>;
  /** The unexpired Idempotency-Key `key` of `scope`, or null. */
  idempotencyKey(scope: string, key: string, now: string): Promise<IdempotencyRecord | null>;
  /**
   * Drops Idempotency-Keys expired by `now` and instances whose reservation
   * expired before `expiredBefore` (never a reserved or active one, nor one
   * with a domain record), with their ports.
   */
  purge(now: string, expiredBefore: string): Promise<Purged>;
}
