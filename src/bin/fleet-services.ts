import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runHostAgent, type AgentHypervisor } from '../agent/host-agent.js';
import { selectHypervisorDriver } from '../adapters/virsh/select-driver.js';
import { createNodeImageFs } from '../adapters/host-fs/node-image-fs.js';
import { createSeedIsoStore } from '../adapters/host-fs/seed-iso-store.js';
import { createRenderOnlyDriver } from '../core/libvirt/render-only-driver.js';
import { lockDataDir } from '../adapters/lock/data-dir-lock.js';
import { holdListenAddress, type HeldAddress } from '../adapters/net/listen-probe.js';
import { openStore, type StoreTarget } from '../adapters/store/open-store.js';
import type {
  Logging,
  StartAgentOptions,
  StartControllerOptions,
  StartedAgent,
  StartedController,
} from '../cli/fleet-deps.js';
import { DEFAULT_CONFIG } from '../controller/controller-deps.js';
import type { LiveMigrationHook } from '../controller/live-migration-reconciler.js';
import { runController } from '../controller/run-controller.js';
import type { Clock } from '../core/ports.js';
import { ensureWritableDir } from './preflight.js';
import { Registry } from 'prom-client';
import { Writable } from 'node:stream';
import { createPinoLogger } from '../adapters/log/pino-logger.js';
import type { Logger } from '../core/ports.js';
import { listenForMetrics } from '../adapters/net/metrics-listener.js';
import { realWorld } from './real-world.js';

export interface FleetServiceOptions {
  /** DATABASE_URL: PostgreSQL instead of the embedded store (not for `vfleet up`). */
  readonly databaseUrl: string | null;
  readonly clock: Clock;
  /** A PGlite dump to start a new embedded database from (tests: skips the ~10 s initdb). */
  readonly pgliteTemplate?: () => Promise<Blob>;
  readonly fetch?: (url: string, init: RequestInit) => Promise<Response>;
  /** How often the controller looks for expired reservations. */
  readonly sweepMs?: number;
  /** How often a waiting long poll re-reads the store without a notice (VFLEET_FEED_POLL_SECONDS). */
  readonly feedPollMs?: number;
  /** A live migration's lease (VFLEET_LIVE_MIGRATION_LEASE_SECONDS): how soon another controller takes over. */
  readonly liveMigrationLeaseMs?: number;
  /** Tests only (VFLEET_TEST_KILL_AT): stops the process at a live migration step. */
  readonly liveMigrationHook?: LiveMigrationHook;
  /** The built dashboard the controller serves at `/` (the package's dist/web). */
  readonly webRoot?: string;
}

/** "postgres://u:secret@h:5432/db" without the password, for printing. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `PostgreSQL at ${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'PostgreSQL (DATABASE_URL)';
  }
}

/** `vfleet controller` / `vfleet up`: store + API server, closed together. */
export async function startController(
  s: FleetServiceOptions,
  o: StartControllerOptions,
): Promise<StartedController> {
  // A taken --listen address is told first, before the data dir is touched,
  // and held until the server binds: building a new database takes ~30 s.
  const held = await holdListenAddress(o.host, o.port);
  try {
    // The data dir (embedded database, admin token, url) is one process's: taken
    // before the slow PGlite start, so a second process is told at once.
    await ensureWritableDir(o.dataDir, '--data-dir');
    const unlock = await lockDataDirUntilExit(o.dataDir, s.clock, o.log);
    try {
      return await startLocked(s, o, unlock, held);
    } catch (e) {
      await unlock();
      throw e;
    }
  } finally {
    await held.release();
  }
}

/** Held until unlock(), or until the process exits (the lock of a SIGKILLed one is taken over). */
async function lockDataDirUntilExit(dir: string, clock: Clock, log: (l: string) => void) {
  const lock = await lockDataDir(dir, {
    pid: process.pid,
    command: ['vfleet', ...process.argv.slice(2)].join(' '),
    now: new Date(clock.now()).toISOString(),
    log,
  });
  const onExit = () => {
    lock.releaseSync();
  };
  process.once('exit', onExit);
  return async () => {
    process.off('exit', onExit);
    await lock.release();
  };
}

async function startLocked(
  s: FleetServiceOptions,
  o: StartControllerOptions,
  unlock: () => Promise<void>,
  held: HeldAddress,
): Promise<StartedController> {
  let target: StoreTarget;
  let storage: string;
  if (s.databaseUrl !== null && !o.embedded) {
    target = { kind: 'postgres', url: s.databaseUrl };
    storage = redactUrl(s.databaseUrl);
  } else {
    const dir = join(o.dataDir, 'pglite');
    const fresh = !existsSync(join(dir, 'PG_VERSION'));
    if (fresh && s.pgliteTemplate === undefined)
      o.log(`creating the embedded database in ${dir} (first start, about 10 s)`);
    target = {
      kind: 'pglite',
      dataDir: dir,
      ...(fresh && s.pgliteTemplate ? { template: await s.pgliteTemplate() } : {}),
    };
    storage = `PGlite in ${dir}`;
  }
  const store = await openStore(target, { log: o.log });
  try {
    await held.release();
    const ctl = await runController({
      ...realWorld,
      store,
      host: o.host,
      port: o.port,
      adminTokenFile: o.adminTokenFile,
      config: {
        ...DEFAULT_CONFIG,
        weigher: o.weigher,
        quotas: { ...DEFAULT_CONFIG.quotas, ...o.quotas },
        tenantPortSources: { ...DEFAULT_CONFIG.tenantPortSources, ...o.tenantPortSources },
        http: { ...DEFAULT_CONFIG.http, ...o.http },
        ...(s.feedPollMs === undefined ? {} : { feedPollMs: s.feedPollMs }),
        webRoot: s.webRoot ?? null,
        ...(o.sessionTtlMs === undefined ? {} : { sessionTtlMs: o.sessionTtlMs }),
        metricsPerHost: o.metricsPerHost ?? false,
        metricsTokenRequired: o.metricsTokenRequired ?? false,
        ...(o.auditRetentionMs === undefined ? {} : { auditRetentionMs: o.auditRetentionMs }),
        ...(o.rolloutDefault === undefined ? {} : { rolloutDefault: o.rolloutDefault }),
        liveMigrations: {
          ...DEFAULT_CONFIG.liveMigrations,
          ...(s.liveMigrationLeaseMs === undefined ? {} : { leaseMs: s.liveMigrationLeaseMs }),
        },
      },
      now: () => s.clock.now(),
      log: o.log,
      ...(o.logging === undefined
        ? {}
        : { logger: pinoOver(o.logging, { service: 'vfleet-controller' }) }),
      serializeClaims: store.embedded,
      ...(s.sweepMs === undefined ? {} : { sweepMs: s.sweepMs }),
      ...(s.liveMigrationHook === undefined ? {} : { liveMigrationHook: s.liveMigrationHook }),
    });
    return {
      url: ctl.url,
      storage,
      adminTokenCreated: ctl.adminTokenCreated,
      async close() {
        await ctl.close();
        await store.close();
        await unlock();
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}

/** `vfleet agent`: the host agent until stop(). */
export async function startAgent(
  s: FleetServiceOptions,
  o: StartAgentOptions,
): Promise<StartedAgent> {
  const stop = new AbortController();
  const hypervisor = await agentHypervisor(o);
  // With a structured log, the agent's lines (retries, failed reports) are warnings naming the host.
  const logger =
    o.logging === undefined
      ? null
      : pinoOver(o.logging, {
          service: 'vfleet-agent',
          ...(o.host === undefined ? {} : { host: o.host }),
        });
  const at = (level: 'info' | 'warn') =>
    logger === null
      ? o.log
      : (line: string) => {
          logger.log(level, line);
        };
  const log = at('warn');
  at('info')(
    hypervisor.reason === null
      ? `libvirt: domains are defined through virsh${o.libvirt?.uri === undefined ? '' : ` on ${o.libvirt.uri}`}`
      : `libvirt: render-only (${hypervisor.reason})`,
  );
  // Told before the agent starts: a taken --metrics-listen address fails the start, not a scrape.
  const registry = o.metricsListen === undefined ? null : new Registry();
  const listener =
    o.metricsListen === undefined || registry === null
      ? null
      : await listenForMetrics(o.metricsListen.host, o.metricsListen.port, async () => ({
          contentType: registry.contentType,
          body: await registry.metrics(),
        }));
  const done = runHostAgent(
    {
      controller: o.controller,
      token: o.token,
      ...(o.host === undefined ? {} : { host: o.host }),
      labels: o.labels,
      io: o.io,
      liveRoot: o.liveRoot,
      // Sleeps end at stop(), so the agent exits at once rather than after its re-scan pause.
      clock: { now: () => s.clock.now(), sleep: (ms) => sleepUnless(ms, stop.signal) },
      log,
      fetch: s.fetch ?? fetch,
      hypervisor,
      ...(registry === null ? {} : { metrics: registry }),
      ...(o.imageDir === undefined
        ? {}
        : {
            images: {
              dir: o.imageDir,
              fs: createNodeImageFs(o.hostRoot ?? '/'),
              ...(o.seedDir === undefined ? {} : { seedDir: o.seedDir }),
            },
            seeds: createSeedIsoStore(o.io.runner, o.hostRoot ?? '/'),
          }),
    },
    stop.signal,
  );
  // Callers may await `done` late; never let its rejection go unhandled meanwhile.
  done.catch(() => undefined);
  return {
    done,
    metricsUrl: listener?.url ?? null,
    async stop() {
      stop.abort();
      await done.catch(() => undefined);
      await listener?.close();
    },
  };
}

/** A structured log over pino, its text handed to the CLI's stderr. */
function pinoOver(l: Logging, base: Record<string, unknown>): Logger {
  const destination = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      l.write(chunk.toString());
      done();
    },
  });
  return createPinoLogger({
    level: l.level,
    format: l.format,
    destination,
    base,
  });
}

/** virsh when libvirt answers (or render-only, with the reason); the URI others migrate to. */
async function agentHypervisor(o: StartAgentOptions): Promise<AgentHypervisor> {
  const l = o.libvirt ?? {};
  const migrationUri =
    l.migrationUri ?? (o.host === undefined ? null : `qemu+ssh://${o.host}/system`);
  if (l.renderOnly === true)
    return {
      driver: createRenderOnlyDriver(),
      migrationUri,
      reason: 'asked for with --render-only',
    };
  const sel = await selectHypervisorDriver(o.io.runner, l.uri === undefined ? {} : { uri: l.uri });
  return { driver: sel.driver, migrationUri, reason: sel.fallbackReason, virtType: sel.virtType };
}

function sleepUnless(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}
