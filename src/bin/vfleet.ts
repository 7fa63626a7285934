import { CommanderError } from 'commander';
import { realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createExecRunner } from '../adapters/exec/exec-runner.js';
import { createNodeHostFs } from '../adapters/host-fs/node-host-fs.js';
import { errorCodeInfo, toVfleetError } from '../core/errors.js';
import type { CliDeps } from '../cli/cli-deps.js';
import { buildProgram } from '../cli/program.js';

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

try {
  await buildProgram(deps).parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // Help and version exit 0; usage errors were already printed by commander.
    process.exitCode = e.exitCode === 0 ? 0 : errorCodeInfo.INVALID_INPUT.exitCode;
  } else {
    const err = toVfleetError(e);
    const field = typeof err.details.field === 'string' ? ` [field: ${err.details.field}]` : '';
    process.stderr.write(`vfleet: error: ${err.message}${field} (${err.code})\n`);
    if (err.code === 'INTERNAL' && process.env.VFLEET_DEBUG)
      process.stderr.write(`${String(err.stack)}\n`);
    process.exitCode = errorCodeInfo[err.code].exitCode;
  }
}
