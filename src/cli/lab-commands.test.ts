import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNodeHostFs } from '../adapters/host-fs/node-host-fs.js';
import type { CommandRunner } from '../core/ports.js';
import type { CliDeps } from './cli-deps.js';
import { runCli } from './run-cli.js';

// The lab commands up to the point where a guest would be needed: these run
// no program at all (the runner fails the test if called).
let cacheDir = '';
beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'vfleet-lab-cli-'));
});
afterEach(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

const noPrograms: CommandRunner = {
  run: (command) => Promise.reject(new Error(`unexpected program: ${command}`)),
};

async function vfleet(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const deps: CliDeps = {
    hostFs: createNodeHostFs,
    runner: noPrograms,
    clock: { now: () => Date.now(), sleep: () => Promise.resolve() },
    out: (t) => (stdout += t),
    err: (t) => (stderr += t),
    interactive: false,
    cacheDir,
    installDir: resolve(import.meta.dirname, '..', '..'),
    nodePath: process.execPath,
  };
  const exitCode = await runCli(argv, deps);
  return { exitCode, stdout, stderr };
}

describe('vfleet lab (without a guest)', () => {
  it.each([
    [['--numa', '3'], 'numa'],
    [['--pfs', 'two'], 'pfs'],
    [['--iommu', 'maybe'], 'iommu'],
    [['--name', 'Bad Name'], 'name'],
  ])('lab up %j fails with INVALID_INPUT naming the field', async (args, field) => {
    const r = await vfleet('lab', 'up', ...args);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`[field: ${field}]`);
    expect(r.stderr).toContain('(INVALID_INPUT)');
  });

  it('lab run, reboot and down on a lab that is not there fail with NOT_FOUND', async () => {
    for (const argv of [['run', '--', 'true'], ['reboot'], ['down', '--name', 'x']]) {
      const r = await vfleet('lab', ...argv);
      expect(r.exitCode).toBe(3);
      expect(r.stderr).toContain('(NOT_FOUND)');
    }
  });

  it('lab status lists nothing when no lab exists, in every format', async () => {
    expect((await vfleet('lab', 'status')).stdout).toMatch(/^NAME\s+STATE\s+PID/);
    expect(JSON.parse((await vfleet('lab', 'status', '-o', 'json')).stdout)).toEqual([]);
    expect((await vfleet('lab', 'status', '-o', 'yaml')).stdout.trim()).toBe('[]');
  });
});
