import { Option, type Command } from 'commander';
import { parseDuration } from '../core/duration.js';
import { VfleetError } from '../core/errors.js';
import type { Weigher } from '../core/scheduler/types.js';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from '../core/vocabulary.js';
import { hostRootOption } from './common-options.js';
import { collect, DEFAULT_LISTEN, intArg, weigherOption } from './fleet-options.js';
import { parseMaxUnavailable } from '../core/fleet/rollout.js';
import { quotaDefaultsHelp } from './quota-defaults-arg.js';
import { httpLimitOptions, type HttpLimitOptions } from './http-limit-options.js';

export interface ServeOptions extends HttpLimitOptions {
  listen: string;
  dataDir?: string;
  adminTokenFile?: string;
  weigher: Weigher;
  defaultQuota?: string[];
  tenantBridge?: string[];
  tenantLibvirtNetwork?: string[];
  sessionTtl?: number;
  metricsPerHost?: boolean;
  metricsTokenRequired?: boolean;
  logLevel: LogLevel;
  logFormat?: LogFormat;
  auditRetention?: number;
  rolloutMaxUnavailable?: string;
  rolloutCanary?: number;
}
export interface AgentOptions {
  controller?: string;
  token?: string;
  tokenFile?: string;
  hostRoot: string;
  host?: string;
  label?: string[];
  libvirtUri?: string;
  migrationUri?: string;
  renderOnly?: boolean;
  imageDir: string;
  seedDir: string;
  metricsListen?: string;
  logLevel: LogLevel;
  logFormat?: LogFormat;
}

/** Where images live on a host unless `--image-dir` says otherwise (docs/security.md). */
const DEFAULT_IMAGE_DIR = '/var/lib/vfleet/images';
/** Where the agent writes seed ISOs unless `--seed-dir` says otherwise: beside, not in, the images. */
const DEFAULT_SEED_DIR = '/var/lib/vfleet/seeds';

export const serveOptions = (c: Command) =>
  httpLimitOptions(c)
    .option('--listen <host:port>', 'address to listen on', DEFAULT_LISTEN)
    .option(
      '--data-dir <dir>',
      'embedded database and admin token (default: $VFLEET_DATA_DIR or per user)',
    )
    .option(
      '--admin-token-file <file>',
      'where the first admin token is written (default: DATA_DIR/admin-token)',
    )
    .addOption(weigherOption())
    .option('--default-quota <key=value>', quotaDefaultsHelp(), collect)
    .option(
      '--tenant-bridge <name>',
      'a host bridge tenants may attach ports to (repeatable; default: none)',
      collect,
    )
    .option(
      '--tenant-libvirt-network <name>',
      'a libvirt network tenants may attach ports to (repeatable; default: default)',
      collect,
    )
    .addOption(
      new Option(
        '--session-ttl <hours>',
        'how long a dashboard sign-in lasts (default: 12)',
      ).argParser(sessionHours),
    )
    .option(
      '--metrics-per-host',
      'GET /metrics also counts VFs per host and state (one series each: mind a large fleet)',
    )
    .option(
      '--metrics-token-required',
      'GET /metrics needs an admin token (default: open, it holds counts only)',
    )
    .addOption(
      new Option(
        '--audit-retention <duration>',
        'how long audit records are kept, e.g. 90d, 2w, 720h (default: 90d)',
      ).argParser((v) => parseDuration(v, 'audit-retention')),
    )
    .addOption(
      new Option(
        '--rollout-max-unavailable <n|n%>',
        'spec changes reach hosts in waves of this many by default (default: all at once, no rollout)',
      ).argParser(maxUnavailableArg),
    )
    .addOption(
      new Option(
        '--rollout-canary <n>',
        'with waves: hosts in the first wave, alone (default: 1)',
      ).argParser(intArg('rollout-canary', 0, 1000)),
    );

function maxUnavailableArg(v: string): string {
  if (parseMaxUnavailable(v) === null)
    throw new VfleetError(
      'INVALID_INPUT',
      `--rollout-max-unavailable: "${v}" is neither a host count (1 or more) nor a percentage (1% to 100%)`,
      { field: 'rollout-max-unavailable' },
    );
  return v.trim();
}

/** --log-level and --log-format: on `controller`, `agent` and (once, for both) `up`. */
export const logOptions = (c: Command) =>
  c
    .addOption(
      new Option('--log-level <level>', 'the log: requests, events, trouble')
        .choices(LOG_LEVELS)
        .default('info' satisfies LogLevel),
    )
    .addOption(
      new Option(
        '--log-format <format>',
        'log lines as JSON, or readable (default: readable on a terminal, else JSON)',
      ).choices(LOG_FORMATS),
    );

export interface LogOptions {
  logLevel: LogLevel;
  logFormat?: LogFormat;
}

/** 1 to 720 hours (30 days): a session outliving that is a token kept in a browser. */
function sessionHours(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || n < 1 || n > 720)
    throw new VfleetError(
      'INVALID_INPUT',
      `--session-ttl: "${v}" is not a number of hours from 1 to 720`,
      {
        field: 'session-ttl',
      },
    );
  return n;
}

export const agentOptions = (c: Command) =>
  c
    .addOption(hostRootOption())
    .option('--host <name>', "the host's name in the fleet (default: its hostname)")
    .option('--label <k=v>', 'a label for the host, on first registration (repeatable)', collect)
    .option(
      '--libvirt-uri <uri>',
      "libvirt connection for the instances' domains (default: virsh's)",
    )
    .option(
      '--migration-uri <uri>',
      'how other hosts reach this libvirt for live migration (default: qemu+ssh://HOST/system)',
    )
    .option(
      '--render-only',
      'render domains but never touch libvirt (also the fallback without it)',
    )
    .option(
      '--image-dir <dir>',
      'the image store: disk images instances boot from by name (below --host-root)',
      DEFAULT_IMAGE_DIR,
    )
    .option(
      '--seed-dir <dir>',
      "where the agent writes guests' cloud-init seed ISOs (below --host-root); apart from --image-dir, which may be read-only",
      DEFAULT_SEED_DIR,
    )
    .option(
      '--metrics-listen <host:port>',
      "serve the agent's Prometheus metrics (per-VF traffic counters) at http://HOST:PORT/metrics",
    );
