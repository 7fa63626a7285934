import type { RolloutPolicy } from '../core/fleet/rollout.js';
import type { LogFormat, LogLevel } from '../core/vocabulary.js';
import type { TenantPortSources } from '../core/libvirt/port-sources.js';
import type { QuotaDefaults } from '../core/fleet/quota.js';
import type { Weigher } from '../core/scheduler/types.js';
import type { ApplyIo } from '../host/host-io.js';

/**
 * The controller and agent as the CLI starts them. They are implemented in
 * src/bin (the composition root), so the CLI layer never imports
 * src/controller or src/agent; tests hand in the same implementations.
 */
export interface FleetDeps {
  startController(o: StartControllerOptions): Promise<StartedController>;
  startAgent(o: StartAgentOptions): Promise<StartedAgent>;
  /** HTTP for the API client (global fetch in the binary). */
  readonly fetch: (url: string, init: RequestInit) => Promise<Response>;
  /** Resolves with the signal's name on SIGINT or SIGTERM. */
  untilStopped(): Promise<string>;
  /** A new random Idempotency-Key (one per `instance create|boot`, kept across its retries). */
  newIdempotencyKey(): string;
  readonly defaults: FleetDefaults;
}

export interface FleetDefaults {
  /** VFLEET_URL, when set. */
  readonly url: string | null;
  /** VFLEET_TOKEN, when set. */
  readonly token: string | null;
  /** How a refusal names where `token` came from (default "VFLEET_TOKEN"). */
  readonly tokenFrom?: string;
  /** Where `vfleet controller` and `vfleet up` keep their data (VFLEET_DATA_DIR or a per-user default). */
  readonly dataDir: string;
}

export interface StartControllerOptions {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly adminTokenFile: string;
  readonly weigher: Weigher;
  /** Per-tenant quota defaults over the built-in ones (--default-quota). */
  readonly quotas?: Partial<QuotaDefaults>;
  /** --tenant-bridge / --tenant-libvirt-network: what tenants' ports may attach to. */
  readonly tenantPortSources?: Partial<TenantPortSources>;
  /** `vfleet up` always runs on the embedded store, whatever DATABASE_URL says. */
  readonly embedded: boolean;
  readonly log: (line: string) => void;
  /** The HTTP server's limits given on the command line; the rest keep their defaults. */
  readonly http?: HttpLimitFlags;
  /** --session-ttl: how long a dashboard session lasts (default 12 h). */
  readonly sessionTtlMs?: number;
  /** --metrics-per-host: per-host VF gauges on GET /metrics. */
  readonly metricsPerHost?: boolean;
  /** --metrics-token-required: GET /metrics needs an admin token. */
  readonly metricsTokenRequired?: boolean;
  /** The structured log (requests, events): its level, its format, and where its text goes. */
  readonly logging?: Logging;
  /** --audit-retention: how long audit records are kept (default 90 days). */
  readonly auditRetentionMs?: number;
  /** --rollout-max-unavailable and --rollout-canary: spec changes go in waves by default. */
  readonly rolloutDefault?: RolloutPolicy;
}

export interface Logging {
  readonly level: LogLevel;
  readonly format: LogFormat;
  readonly write: (text: string) => void;
}

export interface HttpLimitFlags {
  readonly maxConnections?: number;
  readonly requestTimeoutMs?: number;
  readonly headersTimeoutMs?: number;
  readonly keepAliveTimeoutMs?: number;
}

export interface StartedController {
  readonly url: string;
  /** "PGlite in DIR" or "PostgreSQL at host:port/db" (no password). */
  readonly storage: string;
  readonly adminTokenCreated: boolean;
  close(): Promise<void>;
}

export interface StartAgentOptions {
  readonly controller: string;
  readonly token: string;
  readonly host?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly io: ApplyIo;
  /** Only the live root has a kernel log worth reading. */
  readonly liveRoot: boolean;
  readonly log: (line: string) => void;
  /** How the agent drives libvirt; default: virsh on its default connection when it answers, else render-only. */
  readonly libvirt?: AgentLibvirtOptions;
  /** The host root the agent's files are under (`--host-root`), for its image store. */
  readonly hostRoot?: string;
  /** The image store, a path inside the host root (`--image-dir`); none: every disk is refused. */
  readonly imageDir?: string;
  /**
   * Where the agent writes guests' cloud-init seed ISOs, a path inside the
   * host root (`--seed-dir`), apart from the image store, which may be
   * read-only; none (or no image store): no guest configuration here.
   */
  readonly seedDir?: string;
  /** The agent's structured log (its trouble lines, with the host); none: plain `log` lines. */
  readonly logging?: Logging;
  /** --metrics-listen: where the agent serves GET /metrics; none: no metrics. */
  readonly metricsListen?: { readonly host: string; readonly port: number };
}

export interface AgentLibvirtOptions {
  /** libvirt connection URI (`qemu:///system`). */
  readonly uri?: string;
  /** How other hosts reach this one for live migration; default `qemu+ssh://<host>/system`. */
  readonly migrationUri?: string;
  /** Only render domains, never touch libvirt. */
  readonly renderOnly?: boolean;
}

export interface StartedAgent {
  /** Settles when the agent stops: rejects when it could not register or report. */
  readonly done: Promise<void>;
  /** Where its metrics are served (`--metrics-listen`), else null. */
  readonly metricsUrl: string | null;
  stop(): Promise<void>;
}
