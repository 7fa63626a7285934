import { resolve } from 'node:path';
import { createNodeHostFs } from '../adapters/host-fs/node-host-fs.js';
import type { CliDeps } from '../cli/cli-deps.js';
import { runCli } from '../cli/run-cli.js';
import type { HostFs } from '../core/ports.js';
import type { FixtureHost } from './fixture-host.js';

export interface CliRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the vfleet CLI in-process against a fixture host: the same command
 * tree and error mapping as the binary, with the fixture's fake programs.
 * `hostFs` swaps in e.g. the simulated kernel for the fixture's root.
 */
export async function runCliOn(
  host: FixtureHost,
  argv: readonly string[],
  options: { hostFs?: HostFs; cwd?: string } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const deps: CliDeps = {
    hostFs: (root) =>
      resolve(root) === resolve(host.root) && options.hostFs
        ? options.hostFs
        : createNodeHostFs(root),
    runner: host.runner,
    clock: { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
    out: (t) => (stdout += t),
    err: (t) => (stderr += t),
    interactive: false,
    cacheDir: resolve(host.dir, 'cache'),
    installDir: resolve(import.meta.dirname, '..', '..'),
    nodePath: process.execPath,
  };
  const exitCode = await runCli(argv, deps);
  return { exitCode, stdout, stderr };
}
