import type { CandidateHost, Placement, ViewHost } from '../scheduler/types.js';
import type { NumaPolicy, VnicType } from '../vocabulary.js';
import type { NewEvent } from './events.js';
import type { PortView } from './catalog-store.js';
import type { Instance, InstanceState, Network } from './model.js';
import type { Page, PageQuery } from './page.js';
import type { QuotaDefaults } from './quota.js';
import type { VmBoot } from './vm-domain.js';

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
  /** These hosts (default: all) as one request on `physnets` sees them at `staleBefore`. */
  candidates(
    physnets: readonly string[],
    staleBefore: string,
    hostIds?: readonly string[] | null,
  ): Promise<CandidateHost[]>;
  /** The scheduler's view of these hosts (null: every host) on every physnet (fleet-view.ts). */
  viewHosts(hostIds: readonly string[] | null): Promise<ViewHost[]>;
  /** Hosts seen at or after `since`: when, and their agents' health flag (the view's sweep). */
  seenSince(since: string): Promise<{ id: string; lastSeen: string; healthy: boolean }[]>;
  /** All of an instance's VFs and whole PFs in one transaction, or nothing. */
  claim(c: ClaimInput): Promise<ClaimOutcome>;
  /** Frees the instance's VFs and whole PFs (dirty until the agent confirms) and drops its ports. */
  release(id: string, record?: ReleaseEvents): Promise<boolean>;
  /** Releases instances whose reservation was never bound; returns their ids. */
  expire(now: string): Promise<string[]>;
  /**
   * Oldest first; `tenant`: the caller's scope (null: every tenant);
   * `host`, `owner` (a tenant), `name`, `state`: filters the caller asked for.
   */
  pageInstances(
    f: {
      tenant: string | null;
      host?: string | undefined;
      owner?: string | undefined;
      name?: string | undefined;
      state?: InstanceState | undefined;
    },
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
