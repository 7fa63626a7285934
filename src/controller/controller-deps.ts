import {
  DEFAULT_TENANT_PORT_SOURCES,
  type TenantPortSources,
} from '../core/libvirt/port-sources.js';
import type { FleetStore } from '../core/fleet/store.js';
import { DEFAULT_QUOTAS, type QuotaDefaults } from '../core/fleet/quota.js';
import type { Token } from '../core/fleet/model.js';
import type { Logger } from '../core/ports.js';
import type { Session } from '../core/fleet/session-store.js';
import type { Weigher } from '../core/scheduler/types.js';
import type { ChangeFeed } from './change-feed.js';
import type { FleetView } from './fleet-view.js';
import { DEFAULT_TASK_LIMITS, type TaskLimits } from './live-migration-effects.js';
import type { LongPolls } from './long-polls.js';
import type { Stopping } from './stopping.js';
import type { RolloutPolicy } from '../core/fleet/rollout.js';
import type { ControllerMetrics } from './metrics/controller-metrics.js';
import type { TokenCache } from './token-cache.js';

export interface ControllerConfig {
  /** A host not heard from for this long is stale and not scheduled on. */
  readonly staleAfterMs: number;
  /**
   * How a spec change that moves hosts' declared state goes when its
   * request names no rollout: in waves (a policy), or null for all hosts at
   * once, with no rollout (the default; `vfleet controller --rollout-*`).
   */
  readonly rolloutDefault?: RolloutPolicy | null;
  /** A host released by a rollout has this long to pass the gate (default 10 min). */
  readonly rolloutHostTimeoutMs?: number;
  /** An instance whose VFs the agent has not configured by then loses them. */
  readonly reservationTtlMs: number;
  readonly weigher: Weigher;
  /** Schedule-and-claim rounds before a request that keeps losing races gets NO_CAPACITY. */
  readonly claimRounds: number;
  /** A /v1 request body over this many bytes is answered 413 TOO_LARGE (default 1 MiB). */
  readonly bodyLimitBytes: number;
  /**
   * The scheduler's fleet view reads the hosts seen since its last look
   * this often (heartbeats publish no notice; fleet-view.ts).
   */
  readonly seenSweepMs: number;
  /**
   * A long poll for the whole state (an older agent's) re-reads the store
   * this often even without a notice; a brief one (today's agents) reads
   * nothing while no notice for its host comes (desired-poll.ts).
   */
  readonly feedPollMs: number;
  /** A POST /v1/instances Idempotency-Key is remembered this long (then purged by the sweep). */
  readonly idempotencyRetentionMs: number;
  /** An instance whose reservation expired is kept this long for history, then purged. */
  readonly instanceRetentionMs: number;
  /** Events older than this are purged by the sweep (default 7 days)... */
  readonly eventRetentionMs: number;
  /** ...and so are the oldest beyond this many rows (default 100,000). */
  readonly eventMaxRows: number;
  /** Audit records older than this are purged by the sweep (default 90 days; --audit-retention). */
  readonly auditRetentionMs: number;
  /**
   * A boot naming an image its host has not reported waits this long for the
   * host's next report before it is refused: an image copied into the store
   * just before the boot reaches the controller with the agent's next rescan
   * (every 5 s), not at once.
   */
  readonly imageReportWaitMs: number;
  /** Per-tenant limits for tenants without an admin override (core/fleet/quota.ts). */
  readonly quotas: QuotaDefaults;
  /** Bridges and libvirt networks a tenant-policy token's ports may use (docs/security.md). */
  readonly tenantPortSources: TenantPortSources;
  /** The HTTP server's limits (run-controller.ts); long polls are answers, not requests, so no limit cuts them. */
  readonly http: HttpLimits;
  /** How live migrations are advanced (live-migration-reconciler.ts). */
  readonly liveMigrations: LiveMigrationConfig;
  /** A dashboard session (cookie) lasts this long after sign-in (default 12 h). */
  readonly sessionTtlMs: number;
  /** `GET /v1/events/stream` sends a comment this often, so proxies and browsers keep it open. */
  readonly streamKeepaliveMs: number;
  /**
   * The built dashboard (index.html, assets/) served at `/`; chosen by the
   * composition root, never found from here. Null: no dashboard is served.
   */
  readonly webRoot: string | null;
  /** `GET /metrics` adds a series per host and VF state (`--metrics-per-host`); off by default to bound cardinality. */
  readonly metricsPerHost: boolean;
  /** `GET /metrics` needs an admin token (`--metrics-token-required`); open by default (docs/security.md). */
  readonly metricsTokenRequired: boolean;
}

export interface LiveMigrationConfig {
  /**
   * A controller advancing a migration holds its row this long past its
   * last step; a controller that died is taken over once it runs out.
   */
  readonly leaseMs: number;
  /** How often a controller looks for migrations to advance (an agent's answer also wakes it). */
  readonly pollMs: number;
  /** How long an agent has for each task before it is withdrawn and the step fails. */
  readonly taskLimits: TaskLimits;
}

export interface HttpLimits {
  /** A client must have sent its request headers within this (at most requestTimeoutMs). */
  readonly headersTimeoutMs: number;
  /** ...and its whole request, body included: a stalled upload is cut off after this. */
  readonly requestTimeoutMs: number;
  /** A kept-alive connection with no request in flight is closed after this. */
  readonly keepAliveTimeoutMs: number;
  /**
   * Open connections; more are refused (closed at once). An agent holds one
   * for its long poll: the default leaves room for 10,000 agents and as many
   * other clients. Each connection is a file descriptor (ulimit -n).
   */
  readonly maxConnections: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 20_000,
};

export const DEFAULT_CONFIG: ControllerConfig = {
  staleAfterMs: 120_000,
  reservationTtlMs: 300_000,
  weigher: 'pack',
  claimRounds: 8,
  bodyLimitBytes: 1 << 20,
  seenSweepMs: 5_000,
  feedPollMs: 15_000,
  idempotencyRetentionMs: 24 * 3_600_000,
  instanceRetentionMs: 24 * 3_600_000,
  eventRetentionMs: 7 * 24 * 3_600_000,
  eventMaxRows: 100_000,
  auditRetentionMs: 90 * 24 * 3_600_000,
  imageReportWaitMs: 10_000,
  quotas: DEFAULT_QUOTAS,
  tenantPortSources: DEFAULT_TENANT_PORT_SOURCES,
  http: DEFAULT_HTTP_LIMITS,
  liveMigrations: { leaseMs: 30_000, pollMs: 1_000, taskLimits: DEFAULT_TASK_LIMITS },
  sessionTtlMs: 12 * 3_600_000,
  streamKeepaliveMs: 15_000,
  webRoot: null,
  metricsPerHost: false,
  metricsTokenRequired: false,
};

/**
 * Where the controller's ids, token secrets and MACs come from: node:crypto
 * in the composition root (src/bin/real-world.ts), scripted bytes in tests
 * that need to choose them.
 */
export interface IdSource {
  uuid(): string;
  bytes(n: number): Uint8Array;
}

export interface ControllerDeps {
  readonly store: FleetStore;
  /** Calendar time: what records are stamped with and reservations expire by (tests set it). */
  readonly now: () => number;
  /**
   * Real elapsed milliseconds, for the deadlines of long polls and the age of
   * the scheduler's snapshot: these must run out even when a test holds `now` still.
   */
  readonly elapsed: () => number;
  readonly ids: IdSource;
  readonly config: ControllerConfig;
  readonly feed: ChangeFeed;
  /** The tokens looked up, each kept until the store's notice for it (token-cache.ts). */
  readonly tokenCache: TokenCache;
  /**
   * Wraps each schedule-and-claim round: a one-at-a-time queue on the
   * embedded store (one connection), a pass-through on PostgreSQL, where row
   * locks keep concurrent claims apart.
   */
  readonly claimRound: <T>(round: () => Promise<T>) => Promise<T>;
  /** Picks among the few best placements per request (Math.random in the composition root). */
  readonly random: () => number;
  /** The fleet as the scheduler sees it, in memory, kept current from the store's notices. */
  readonly fleetView: FleetView;
  /** The waiting long polls: one per agent token and host (long-polls.ts). */
  readonly longPolls: LongPolls;
  /** The controller shutting down: long polls answer at once instead of waiting (stopping.ts). */
  readonly stopping?: Stopping;
  /** Wakes this controller's live migration reconciler (a migration started, a task answered). */
  readonly liveMigrations?: { kick(): void; readonly owner: string };
  /** Wakes this controller's drain and rollout passes (maintenance-passes.ts). */
  readonly passes?: { kick(): void };
  /**
   * Work that outlives its request's answer (an event stream's body): the
   * controller's shutdown waits for it before the store closes.
   */
  readonly outliving?: (work: Promise<unknown>) => void;
  /** The controller's counters and histograms; `GET /metrics` renders their registry. */
  readonly metrics?: ControllerMetrics;
  /** The structured log: a line per request (request-log.ts) and per recorded event. */
  readonly logger?: Logger;
}

export const unserialized = <T>(round: () => Promise<T>): Promise<T> => round();

export interface AppEnv {
  /** `session`: the dashboard session the request came with; null for a bearer token. */
  /** `requestId`: X-Request-Id as the client sent it (when sane) or as the controller made it. */
  Variables: { principal: Token; session: Session | null; requestId: string };
}
