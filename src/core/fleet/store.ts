import type { AuditStore } from './audit.js';
import type { EventStore } from './events.js';
import type { QuotaStore } from './quota-store.js';
import type { MaintenanceStore } from './maintenance-store.js';
import type { RolloutStore } from './rollout-store.js';
import type { VmStore } from './vm-store.js';
import type { CatalogStore } from './catalog-store.js';
import type { DatapathReportStore } from './datapath-store.js';
import type { ClaimStore } from './claim-store.js';
import type { HostStore } from './host-store.js';
import type { SessionStore } from './session-store.js';
import type { TokenStore } from './token-store.js';
import type { SearchStore } from './search-query.js';

/**
 * Storage as the controller needs it (Kysely style: defined by the caller,
 * implemented in src/adapters/store). Times are ISO strings handed in by the
 * caller, so tests control the clock. Methods that change several rows do so
 * in one transaction.
 */
export interface FleetStore {
  readonly tokens: TokenStore;
  /** Dashboard sign-ins (session-store.ts). */
  readonly sessions: SessionStore;
  readonly hosts: HostStore;
  readonly catalog: CatalogStore;
  readonly claims: ClaimStore;
  readonly vms: VmStore;
  readonly quotas: QuotaStore;
  /** Cordons, drains and allocation rules (maintenance-store.ts). */
  readonly maintenance: MaintenanceStore;
  /** Spec changes in waves (rollout-store.ts). */
  readonly rollouts: RolloutStore;
  /** `vfleet bench datapath` reports, the newest few per host (datapath-store.ts). */
  readonly datapathReports: DatapathReportStore;
  /** The fleet search: chains from a MAC, PCI address, VLAN, name or id. */
  readonly search: SearchStore;
  /** What the fleet did (events.ts). */
  readonly events: EventStore;
  /** Who changed what (audit.ts). */
  readonly audit: AuditStore;
  /** Wake-ups the store publishes on commit. */
  readonly notices: StoreNotices;
  close(): Promise<void>;
}

/**
 * Wake-ups published by the store itself when a transaction commits (never
 * for one rolled back), to every controller on the same database, as the
 * keys the change feed waits on: a host id when the host's desired state
 * changed or its agent reported new facts, `task:HOST` when a hypervisor
 * task of the host finished, `(events)` when events were recorded,
 * `sched:HOST` when what the scheduler sees of the host changed, `sched:*`
 * when it may have changed for every host (an allocation rule), `(token:ID)`
 * when a token was changed or revoked (the token cache). Code
 * that changes a host publishes nothing itself, so none can forget to.
 */
export interface StoreNotices {
  /**
   * Starts listening; resolves once notices flow. `onKey(null)`: some may
   * have been lost (a reconnect), so every waiter should look again.
   */
  listen(onKey: (key: string | null) => void): Promise<void>;
  /**
   * Sends `key` through the database like the notices: it reaches the
   * listeners after the notices of every transaction that committed before
   * it (PostgreSQL delivers them in commit order), so its arrival is a
   * barrier (the fleet view's `fresh`).
   */
  publish(key: string): Promise<void>;
}
