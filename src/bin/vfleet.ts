import { realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createExecRunner } from '../adapters/exec/exec-runner.js';
import { createNodeHostFs } from '../adapters/host-fs/node-host-fs.js';
import type { CliDeps } from '../cli/cli-deps.js';
import { runCli } from '../cli/run-cli.js';

// Composition root of the `vfleet` process: the only place that reads the
// environment and chooses real adapters.
const installDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const deps: CliDeps = {
  hostFs: createNodeHostFs,
  runner: createExecRunner({ path: process.env.PATH, env: process.env }),
  clock: { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  interactive: process.stderr.isTTY,
  cacheDir: process.env.VFLEET_CACHE_DIR ?? join(installDir, '.cache'),
  installDir,
  nodePath: realpathSync(process.execPath),
};

process.exitCode = await runCli(process.argv.slice(2), deps, process.env.VFLEET_DEBUG === '1');
