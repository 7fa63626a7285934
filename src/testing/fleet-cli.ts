import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createExecRunner } from '../adapters/exec/exec-runner.js';
import { createNodeHostFs } from '../adapters/host-fs/node-host-fs.js';
import { startAgent, startController } from '../bin/fleet-services.js';
import type { FleetServiceOptions } from '../bin/fleet-services.js';
import type { CliDeps } from '../cli/cli-deps.js';
import type { FleetDeps } from '../cli/fleet-deps.js';
import { runCli } from '../cli/run-cli.js';
import type { Clock, HostFs } from '../core/ports.js';
import type { CliRun } from './cli-harness.js';
import type { FixtureHost } from './fixture-host.js';
import { pgliteTemplate } from './pglite-template.js';

const clock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

/**
 * The fleet half of the CLI in-process, with the binary's real controller
 * and agent (src/bin/fleet-services.ts) on 127.0.0.1, a temp data dir, and
 * a stop switch standing in for SIGINT/SIGTERM.
 */
export interface FleetTestEnv {
  readonly dataDir: string;
  readonly fleet: FleetDeps;
  /** Ends every running `controller`, `agent` and `up` as SIGTERM would. */
  stop(): void;
  cleanup(): Promise<void>;
}

export async function fleetTestEnv(
  o: { url?: string; token?: string; databaseUrl?: string } = {},
): Promise<FleetTestEnv> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vfleet-cli-'));
  const s: FleetServiceOptions = {
    databaseUrl: o.databaseUrl ?? null,
    clock,
    pgliteTemplate,
    sweepMs: 500,
  };
  let stops: (() => void)[] = [];
  return {
    dataDir,
    fleet: {
      startController: (x) => startController(s, x),
      startAgent: (x) => startAgent(s, x),
      fetch: (url, init) => fetch(url, init),
      newIdempotencyKey: () => randomUUID(),
      untilStopped: () =>
        new Promise((r) => {
          stops.push(() => {
            r('SIGTERM');
          });
        }),
      defaults: { url: o.url ?? null, token: o.token ?? null, dataDir },
    },
    stop() {
      const now = stops;
      stops = [];
      for (const s of now) s();
    },
    cleanup: () => rm(dataDir, { recursive: true, force: true }),
  };
}

/** A CLI run in progress: its output so far, and its end. */
export interface RunningCli {
  readonly done: Promise<CliRun>;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `re` in stdout (fails after `ms`). */
  waitFor(re: RegExp, ms?: number): Promise<RegExpMatchArray>;
}

export function launchCli(
  argv: readonly string[],
  env: FleetTestEnv,
  host?: { fixture: FixtureHost; hostFs?: HostFs },
): RunningCli {
  let stdout = '';
  let stderr = '';
  const deps: CliDeps = {
    hostFs: (root) =>
      host?.hostFs !== undefined && resolve(root) === resolve(host.fixture.root)
        ? host.hostFs
        : createNodeHostFs(root),
    runner: host?.fixture.runner ?? createExecRunner({ path: process.env.PATH, env: process.env }),
    clock,
    out: (t) => (stdout += t),
    err: (t) => (stderr += t),
    interactive: false,
    cacheDir: join(env.dataDir, 'cache'),
    installDir: resolve(import.meta.dirname, '..', '..'),
    nodePath: process.execPath,
    fleet: env.fleet,
  };
  const done = runCli(argv, deps).then((exitCode) => ({ exitCode, stdout, stderr }));
  return {
    done,
    stdout: () => stdout,
    stderr: () => stderr,
    async waitFor(re, ms = 30_000) {
      const end = Date.now() + ms;
      const state = { finished: false };
      void done.then(() => {
        state.finished = true;
      });
      for (;;) {
        const m = re.exec(stdout);
        if (m) return m;
        if (state.finished || Date.now() > end)
          throw new Error(`no ${String(re)} in output:\n${stdout}\n${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

export const fleetCli = (
  argv: readonly string[],
  env: FleetTestEnv,
  host?: { fixture: FixtureHost; hostFs?: HostFs },
): Promise<CliRun> => launchCli(argv, env, host).done;
