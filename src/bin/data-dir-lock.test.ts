import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../adapters/lock/data-dir-lock.js';
import { errorCodeInfo } from '../core/errors.js';
import { ensureBuilt, spawnVfleet, type VfleetProcess } from '../testing/built-cli.js';

/** Two `vfleet` OS processes (the built binary) on one data dir: the second is refused. */
let dir: string;
const procs: VfleetProcess[] = [];
const env = { DATABASE_URL: '', VFLEET_URL: '', VFLEET_TOKEN: '', VFLEET_DATA_DIR: '' };

beforeAll(async () => {
  await ensureBuilt();
  dir = await mkdtemp(join(tmpdir(), 'vfleet-lock-procs-'));
}, 300_000);

afterAll(async () => {
  for (const p of procs) await p.stop('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

const start = (...args: string[]) => {
  const p = spawnVfleet([...args, '--data-dir', dir, '--listen', '127.0.0.1:0'], env);
  procs.push(p);
  return p;
};

function exitCode(p: VfleetProcess): Promise<number | null> {
  if (p.child.exitCode !== null) return Promise.resolve(p.child.exitCode);
  return new Promise((r) => p.child.once('exit', r));
}

describe('one process per data dir', () => {
  it('refuses a second controller and `vfleet up` with the holder PID; recovers a SIGKILLed holder', async () => {
    const first = start('controller');
    const lock = join(dir, LOCK_FILE);
    while (!existsSync(lock)) await new Promise((r) => setTimeout(r, 20));
    // Refused at once, even while the first is still creating its embedded database.
    for (const argv of [['controller'], ['up', '--render-only', '--host', 'hv1']]) {
      const second = start(...argv);
      expect(await exitCode(second)).toBe(errorCodeInfo.CONFLICT.exitCode);
      expect(second.stderr()).toBe(
        `vfleet: error: a vfleet controller (pid ${first.child.pid ?? '?'}) already uses ${dir}; ` +
          'stop it, or give --data-dir [field: data-dir] (CONFLICT)\n',
      );
    }
    await first.waitFor(/controller: http:\/\/127\.0\.0\.1:\d+/, 120_000);

    expect(await first.stop('SIGKILL')).toBeNull();
    expect(existsSync(lock)).toBe(true);
    const next = start('controller');
    await next.waitFor(/controller: http:\/\/127\.0\.0\.1:\d+/, 120_000);
    expect(next.stderr()).toContain(
      `took over the lock of pid ${first.child.pid ?? '?'}, which no longer runs`,
    );
    expect(await next.stop('SIGTERM')).toBe(0);
    expect(existsSync(lock)).toBe(false);
  }, 300_000);
});
