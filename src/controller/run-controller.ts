import type { ServerOptions } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { FleetStore } from '../core/fleet/store.js';
import { createControllerApp } from './app.js';
import { ensureAdminToken } from './bootstrap-admin.js';
import { startFleetView } from './fleet-view.js';
import { storeFeed } from './change-feed.js';
import { createTokenCache } from './token-cache.js';
import type { ControllerConfig, ControllerDeps, HttpLimits, IdSource } from './controller-deps.js';
import { unserialized } from './controller-deps.js';
import { eventFields, eventLogLine } from './events.js';
import type { Logger } from '../core/ports.js';
import { createMaintenancePasses } from './maintenance-passes.js';
import {
  createLiveMigrationReconciler,
  type LiveMigrationHook,
} from './live-migration-reconciler.js';
import { purgeHistory } from './purge-history.js';
import { createLongPolls } from './long-polls.js';
import { createSerial } from './serial.js';
import { Registry } from 'prom-client';
import { createControllerMetrics } from './metrics/controller-metrics.js';
import { registerFleetGauges } from './metrics/fleet-gauges.js';
import { createStopping } from './stopping.js';

export interface RunControllerOptions {
  readonly store: FleetStore;
  readonly host: string;
  readonly port: number;
  readonly adminTokenFile: string;
  readonly config: ControllerConfig;
  readonly now: () => number;
  /** Real elapsed time for deadlines (ControllerDeps.elapsed). */
  readonly elapsed: () => number;
  readonly ids: IdSource;
  readonly random: () => number;
  /** Progress and trouble lines for people (a CLI's output). */
  readonly log: (line: string) => void;
  /**
   * The structured log (requests, events as fields); without one, each
   * recorded event is an `event id=...` line of `log` and requests are not logged.
   */
  readonly logger?: Logger;
  /** How often unbound reservations are looked for. */
  readonly sweepMs?: number;
  /** True on the embedded store: schedule-and-claim rounds then run one at a time. */
  readonly serializeClaims: boolean;
  /** Tests only: called around each live migration effect (a test may kill the process there). */
  readonly liveMigrationHook?: LiveMigrationHook;
  /** Where `GET /metrics` keeps this controller's metrics; default: a registry of its own. */
  readonly metrics?: Registry;
}

export interface RunningController {
  readonly url: string;
  readonly adminTokenCreated: boolean;
  readonly deps: ControllerDeps;
  close(): Promise<void>;
}

/** `vfleet controller`: the API on host:port, plus the sweep that expires unbound reservations. */
export async function runController(o: RunControllerOptions): Promise<RunningController> {
  const stopping = createStopping();
  // Names this process in the leases of the live migrations it advances.
  const owner = `${o.ids.uuid()} pid ${String(process.pid)}`;
  const inflight = createInflight();
  // With a structured log, the sweep's and the reconciler's lines are its warnings.
  const trouble =
    o.logger === undefined
      ? o.log
      : (line: string) => {
          o.logger?.log('warn', line);
        };
  // Read whole once, here, before the first request: never on a request's path.
  const fleetView = await startFleetView({
    claims: o.store.claims,
    notices: o.store.notices,
    now: o.now,
    seenEveryMs: o.config.seenSweepMs,
    log: trouble,
    id: owner,
  });
  const registry = o.metrics ?? new Registry();
  const metrics = createControllerMetrics(registry);
  const feed = await storeFeed(o.store.notices);
  const deps: ControllerDeps = {
    store: o.store,
    now: o.now,
    elapsed: o.elapsed,
    ids: o.ids,
    random: o.random,
    config: o.config,
    feed,
    tokenCache: createTokenCache(feed),
    claimRound: o.serializeClaims ? createSerial() : unserialized,
    fleetView,
    stopping,
    longPolls: createLongPolls(),
    liveMigrations: {
      kick: () => {
        reconciler.kick();
      },
      owner,
    },
    passes: {
      kick: () => {
        passes.kick();
      },
    },
    // An event stream's body runs on after its handler returned: shutdown waits for it too.
    outliving: (work) => {
      inflight.track(() => work).catch(() => undefined);
    },
    metrics,
    ...(o.logger === undefined ? {} : { logger: o.logger }),
  };
  registerFleetGauges(registry, deps, o.config.metricsPerHost);
  const reconciler = createLiveMigrationReconciler(deps, {
    owner,
    log: trouble,
    ...(o.liveMigrationHook === undefined ? {} : { hook: o.liveMigrationHook }),
  });
  const passes = createMaintenancePasses(deps, {
    pollMs: o.config.liveMigrations.pollMs,
    log: trouble,
  });
  // Each event this process records is also one line of its log.
  o.store.events.onRecorded((events) => {
    for (const e of events) {
      metrics.event(e);
      if (o.logger === undefined) o.log(eventLogLine(e));
      else o.logger.log('info', e.message, eventFields(e));
    }
  });
  const created = await ensureAdminToken(
    o.store.tokens,
    o.adminTokenFile,
    new Date(o.now()).toISOString(),
    o.ids,
  );
  const app = createControllerApp(deps, (e) => {
    if (o.logger === undefined)
      o.log(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    else
      o.logger.log('error', 'internal error', {
        error: e instanceof Error ? (e.stack ?? e.message) : String(e),
      });
  });
  const sweep = setInterval(() => {
    reconciler.kick();
    void expireReservations(deps)
      .then(() => purgeHistory(deps))
      .catch((e: unknown) => {
        trouble(`reservation sweep failed: ${String(e)}`);
      });
  }, o.sweepMs ?? 10_000);
  sweep.unref();
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve(
      {
        fetch: (req, env) => inflight.track(() => app.fetch(req, env)),
        hostname: o.host,
        port: o.port,
        serverOptions: serverOptions(o.config.http),
      },
      () => {
        resolve(s);
      },
    );
  });
  server.maxConnections = o.config.http.maxConnections;
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    adminTokenCreated: created,
    deps,
    async close() {
      clearInterval(sweep);
      fleetView.close();
      stopping.stop();
      await reconciler.stop();
      await passes.stop();
      const closed = new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
      // Handlers still running (a long poll whose agent hung up) finish on the
      // open store; the caller closes the store after this.
      await inflight.drained(10_000);
      // A connection whose client stalled or vanished mid-request would hold the close forever:
      // Node stops checking request time limits once the server closes. Seen at 10,000 agents.
      const cut = setTimeout(() => {
        // HTTP/1 (serve's default here): the HTTP/2 server type has no such call.
        if ('closeAllConnections' in server) server.closeAllConnections();
      }, CLOSE_GRACE_MS);
      await closed;
      clearTimeout(cut);
    },
  };
}

/**
 * Node's timeouts for receiving a request: a client that stalls in its
 * headers or body is cut off, while a long poll, fully received and waiting
 * for its answer, is not. The checks run every connectionsCheckingInterval
 * (30 s by default), so it is kept well under the request timeout.
 */
export function serverOptions(l: HttpLimits): ServerOptions {
  return {
    requestTimeout: l.requestTimeoutMs,
    headersTimeout: Math.min(l.headersTimeoutMs, l.requestTimeoutMs),
    keepAliveTimeout: l.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.max(50, Math.min(5_000, l.requestTimeoutMs / 4)),
  };
}

/** Releases reservations never bound by an agent (the store wakes their hosts' agents). */
export function expireReservations(deps: ControllerDeps): Promise<string[]> {
  return deps.store.claims.expire(new Date(deps.now()).toISOString());
}

/** After its handlers finished, how long shutdown waits for the last connections to end before cutting them. */
const CLOSE_GRACE_MS = 5_000;

/** Counts requests (and event streams) being handled, so shutdown can wait for the last one. */
function createInflight() {
  let n = 0;
  let idle: (() => void)[] = [];
  return {
    async track<T>(handle: () => T | Promise<T>): Promise<T> {
      n++;
      try {
        return await handle();
      } finally {
        n--;
        if (n === 0) for (const wake of idle.splice(0)) wake();
      }
    },
    drained(ms: number): Promise<void> {
      if (n === 0) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          idle = idle.filter((w) => w !== done);
          resolve();
        }
        idle.push(done);
      });
    },
  };
}
