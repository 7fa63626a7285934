import { randomUUID } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createExecRunner } from '../adapters/exec/exec-runner.js';
import { createNodeHostFs } from '../adapters/host-fs/node-host-fs.js';
import { createGuestImageWriter } from '../adapters/initramfs/guest-image-writer.js';
import { createRunFolders } from '../adapters/initramfs/run-folders.js';
import type { CliDeps } from '../cli/cli-deps.js';
import type { FleetDeps } from '../cli/fleet-deps.js';
import { runCli } from '../cli/run-cli.js';
import type { Clock } from '../core/ports.js';
import { boundControllerHeap } from './heap-growth.js';

// Composition root of the `vfleet` process: the only place that reads the
// environment and chooses real adapters.
const installDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const clock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};
const env = (name: string): string | null => {
  const v = process.env[name];
  return v === undefined || v === '' ? null : v;
};

const defaultDataDir = (): string =>
  env('VFLEET_DATA_DIR') ??
  (process.getuid?.() === 0
    ? '/var/lib/vfleet'
    : join(env('XDG_DATA_HOME') ?? join(homedir(), '.local', 'share'), 'vfleet'));

// The controller and agent are loaded on use: host commands (also run in slow
// lab guests) never pay for the database and HTTP server modules.
const feedPollSeconds = Number(env('VFLEET_FEED_POLL_SECONDS') ?? NaN);
const leaseSeconds = Number(env('VFLEET_LIVE_MIGRATION_LEASE_SECONDS') ?? NaN);
// Tests only: `<step>@before|after` kills this process at that live migration step (a crash).
const killAt = env('VFLEET_TEST_KILL_AT');
const services = async () => {
  const m = await import('./fleet-services.js');
  const feedPollMs = feedPollSeconds > 0 ? { feedPollMs: feedPollSeconds * 1000 } : {};
  const lease = leaseSeconds > 0 ? { liveMigrationLeaseMs: leaseSeconds * 1000 } : {};
  const hook =
    killAt === null
      ? {}
      : {
          liveMigrationHook: (step: string, at: string) => {
            if (`${step}@${at}` === killAt) process.kill(process.pid, 'SIGKILL');
          },
        };
  // `npm run build` writes the dashboard beside the compiled code.
  const webRoot = join(installDir, 'dist', 'web');
  return {
    m,
    s: { databaseUrl: env('DATABASE_URL'), clock, webRoot, ...feedPollMs, ...lease, ...hook },
  };
};
const fleet: FleetDeps = {
  startController: async (o) => {
    boundControllerHeap(process.execArgv);
    const { m, s } = await services();
    return m.startController(s, o);
  },
  startAgent: async (o) => {
    const { m, s } = await services();
    return m.startAgent(s, o);
  },
  fetch: (url, init) => fetch(url, init),
  newIdempotencyKey: () => randomUUID(),
  untilStopped: () =>
    new Promise((resolve) => {
      const on = (sig: NodeJS.Signals) => {
        process.off('SIGINT', on);
        process.off('SIGTERM', on);
        resolve(sig);
      };
      process.on('SIGINT', on);
      process.on('SIGTERM', on);
    }),
  defaults: {
    url: env('VFLEET_URL'),
    token: env('VFLEET_TOKEN'),
    tokenFrom: 'the VFLEET_TOKEN environment variable',
    dataDir: defaultDataDir(),
  },
};

const deps: CliDeps = {
  hostFs: createNodeHostFs,
  runner: createExecRunner({ path: process.env.PATH, env: process.env }),
  clock,
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  interactive: process.stderr.isTTY,
  cacheDir: process.env.VFLEET_CACHE_DIR ?? join(installDir, '.cache'),
  installDir,
  nodePath: realpathSync(process.execPath),
  fleet,
  // The datapath bench's forwarding VM: its initramfs and console, for the run only.
  guest: {
    images: createGuestImageWriter(),
    folders: createRunFolders(join(env('VFLEET_RUN_DIR') ?? '/run/vfleet', 'datapath')),
  },
};

process.exitCode = await runCli(process.argv.slice(2), deps, process.env.VFLEET_DEBUG === '1');
