import { resolve } from 'node:path';
import type { CliDeps } from './cli-deps.js';
import type { Logging, StartedAgent, StartedController } from './fleet-deps.js';
import { adminTokenFileIn, fleetOf, parseLabels, parseListen, urlFileIn } from './fleet-options.js';
import { parseQuotaDefaults } from './quota-defaults-arg.js';
import { httpLimitsOf } from './http-limit-options.js';
import type { AgentOptions, LogOptions, ServeOptions } from './serve-options.js';
import type { LabMember } from './up-lab.js';

/**
 * Starting and stopping what `controller`, `agent` and `up` run: the
 * controller (its URL noted in the data dir), this host's agent, and the
 * wait for a signal that stops them in order.
 */

/** The controller on `o`'s listen address and data dir; `embedded` is `up`'s own database. */
export async function startController(deps: CliDeps, o: ServeOptions, embedded: boolean) {
  const fleet = fleetOf(deps);
  const dataDir = resolve(o.dataDir ?? fleet.defaults.dataDir);
  const adminTokenFile = resolve(o.adminTokenFile ?? adminTokenFileIn(dataDir));
  const ctl = await fleet.startController({
    ...parseListen(o.listen),
    dataDir,
    adminTokenFile,
    weigher: o.weigher,
    quotas: parseQuotaDefaults(o.defaultQuota ?? []),
    tenantPortSources: {
      ...(o.tenantBridge === undefined ? {} : { bridges: o.tenantBridge }),
      ...(o.tenantLibvirtNetwork === undefined ? {} : { libvirtNetworks: o.tenantLibvirtNetwork }),
    },
    embedded,
    http: httpLimitsOf(o),
    ...(o.sessionTtl === undefined ? {} : { sessionTtlMs: o.sessionTtl * 3_600_000 }),
    ...(o.metricsPerHost === true ? { metricsPerHost: true } : {}),
    ...(o.metricsTokenRequired === true ? { metricsTokenRequired: true } : {}),
    logging: loggingOf(deps, o),
    ...(o.auditRetention === undefined ? {} : { auditRetentionMs: o.auditRetention }),
    ...(o.rolloutMaxUnavailable === undefined && o.rolloutCanary === undefined
      ? {}
      : {
          rolloutDefault: {
            maxUnavailable: o.rolloutMaxUnavailable ?? '25%',
            canary: o.rolloutCanary ?? 1,
            evacuate: false,
          },
        }),
    log: (l) => {
      deps.err(`vfleet controller: ${l}\n`);
    },
  });
  await deps
    .hostFs('/')
    .writeFileAtomic(urlFileIn(dataDir), `${ctl.url}\n`)
    .catch((e: unknown) => {
      deps.err(`vfleet controller: cannot note the URL in ${dataDir}: ${String(e)}\n`);
    });
  deps.out(
    `controller: ${ctl.url} (API docs ${ctl.url}/docs)\ndashboard: ${ctl.url}/\n` +
      `storage: ${ctl.storage}\n` +
      `admin token: ${adminTokenFile}${ctl.adminTokenCreated ? ' (created now)' : ''}\n`,
  );
  return { ctl, adminTokenFile };
}

/** The log's level and format as asked for, its text on the CLI's stderr. */
function loggingOf(deps: CliDeps, o: LogOptions): Logging {
  return {
    level: o.logLevel,
    // Readable when a person watches the terminal, JSON lines when a program reads them.
    format: o.logFormat ?? (deps.interactive ? 'pretty' : 'json'),
    write: deps.err,
  };
}

export function startAgent(deps: CliDeps, o: AgentOptions, controller: string, token: string) {
  return fleetOf(deps).startAgent({
    controller,
    token,
    ...(o.host === undefined ? {} : { host: o.host }),
    labels: parseLabels(o.label ?? []),
    io: { fs: deps.hostFs(o.hostRoot), runner: deps.runner, clock: deps.clock },
    liveRoot: resolve(o.hostRoot) === '/',
    hostRoot: resolve(o.hostRoot),
    imageDir: o.imageDir,
    seedDir: o.seedDir,
    ...(o.metricsListen === undefined
      ? {}
      : { metricsListen: parseListen(o.metricsListen, 'metrics-listen') }),
    logging: loggingOf(deps, o),
    log: (l) => {
      deps.err(`vfleet agent: ${l}\n`);
    },
    libvirt: {
      ...(o.libvirtUri === undefined ? {} : { uri: o.libvirtUri }),
      ...(o.migrationUri === undefined ? {} : { migrationUri: o.migrationUri }),
      ...(o.renderOnly === true ? { renderOnly: true } : {}),
    },
  });
}

export interface Running {
  readonly agent: StartedAgent | null;
  readonly ctl: StartedController | null;
  /** The lab guests of `up --lab`, stopped first. */
  readonly labs?: readonly LabMember[];
  /** The signal's name once SIGINT/SIGTERM came (listened for from the start of `up`). */
  readonly stopped?: Promise<string>;
}

/** Runs until SIGINT/SIGTERM (or the agent fails), then stops everything in order. */
export async function serveUntilStopped(deps: CliDeps, r: Running): Promise<void> {
  const stopped = (r.stopped ?? fleetOf(deps).untilStopped()).then((sig) => ({ sig }));
  try {
    const agent = r.agent;
    const first = await Promise.race([stopped, ...(agent ? [agent.done.then(() => null)] : [])]);
    if (first !== null) deps.err(`vfleet: ${first.sig}: shutting down\n`);
  } finally {
    await stopAll(deps, r);
  }
}

/** The lab guests first (their agents go with them), then this host's agent, then the controller. */
export async function stopAll(deps: CliDeps, r: Running): Promise<void> {
  await Promise.all(
    (r.labs ?? []).map(async (lab) => {
      deps.err(`vfleet up: stopping the lab host ${lab.host}\n`);
      await lab.down().catch((e: unknown) => {
        deps.err(`vfleet up: cannot stop the lab host ${lab.host}: ${String(e)}\n`);
      });
    }),
  );
  await r.agent?.stop();
  await r.ctl?.close();
}
