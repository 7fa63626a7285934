import { createNodeHostFs } from '../adapters/host-fs/node-host-fs.js';
import type { CliDeps } from '../cli/cli-deps.js';
import { runCli } from '../cli/run-cli.js';
import type { CliRun } from './cli-harness.js';

/** The CLI in-process with only host files behind it: no fleet, no programs. */
export async function bareCli(argv: readonly string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const deps = {
    hostFs: createNodeHostFs,
    out: (t: string) => (stdout += t),
    err: (t: string) => (stderr += t),
  } as unknown as CliDeps;
  const exitCode = await runCli(argv, deps);
  return { exitCode, stdout, stderr };
}
