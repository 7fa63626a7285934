import type { EventNote } from './events.js';
import type { DeviceSpec, Network, PfRecord, Physnet, Port } from './model.js';
import type { Page, PageQuery } from './page.js';
import type { QuotaDefaults } from './quota.js';

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
  /**
   * Each spec change re-tags every host's PFs and VFs and bumps the hosts
   * whose declared state moved in its own transaction: no spec is stored
   * (or gone) without the hosts tagged by it.
   */
  createSpec(spec: DeviceSpec): Promise<DeviceSpec>;
  listSpecs(): Promise<DeviceSpec[]>;
  /** One page of specs in precedence order (oldest first). */
  pageSpecs(q: PageQuery): Promise<Page<DeviceSpec>>;
  getSpec(id: string): Promise<DeviceSpec | null>;
  removeSpec(id: string): Promise<boolean>;
  /**
   * Replaces a spec (same id and age) and re-tags every host, in one
   * transaction; CONFLICT naming the VFs when held ones would be taken
   * away. Null when there is no such spec.
   */
  updateSpec(spec: DeviceSpec): Promise<DeviceSpec | null>;
  allPfs(): Promise<PfWhere[]>;
  createPhysnet(p: Physnet): Promise<Physnet>;
  pagePhysnets(q: PageQuery): Promise<Page<Physnet>>;
  getPhysnet(name: string): Promise<Physnet | null>;
  removePhysnet(name: string): Promise<boolean>;
  /** New VLAN ranges; CONFLICT naming the networks whose VLAN they leave out. Null: no such physnet. */
  updatePhysnet(p: Physnet): Promise<Physnet | null>;
  /** With `note`, its event is recorded in the same transaction. */
  createNetwork(n: NewNetwork, note?: EventNote<Network>): Promise<Network>;
  /** By tenant, then name; `tenant` null: every tenant's. */
  pageNetworks(tenant: string | null, q: PageQuery): Promise<Page<Network>>;
  getNetwork(id: string): Promise<Network | null>;
  networkByName(tenant: string, name: string): Promise<Network | null>;
  /** CONFLICT while ports use it; with `note`, its event is recorded in the same transaction. */
  removeNetwork(id: string, note?: EventNote<Network>): Promise<boolean>;
  /** Renames or moves a network; a move (VLAN, physnet) is a CONFLICT while ports use it. */
  updateNetwork(
    id: string,
    patch: NetworkPatch,
    quotas?: QuotaDefaults,
    revealOthers?: boolean,
    note?: EventNote<Network>,
  ): Promise<Network | null>;
  /**
   * By tenant, instance, place in the instance; `network`, `instance` (ids):
   * only their ports; `host`: only ports holding a VF or whole PF there; `mac`: the port of that MAC.
   */
  pagePorts(
    f: {
      tenant: string | null;
      network?: string | undefined;
      instance?: string | undefined;
      host?: string | undefined;
      mac?: string | undefined;
    },
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
