import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isVfleetError } from '../../core/errors.js';
import { LOCK_FILE, lockDataDir, type LockOptions } from './data-dir-lock.js';
import { identify } from './process-identity.js';

let dir: string;
const lines: string[] = [];
const opts = (pid: number, command = 'vfleet controller'): LockOptions => ({
  pid,
  command,
  now: '2030-01-01T00:00:00.000Z',
  log: (l) => lines.push(l),
});

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vfleet-lock-'));
  lines.length = 0;
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** A PID no process has now. */
function deadPid(): number {
  for (let pid = 4_000_000; ; pid++) if (!existsSync(`/proc/${pid}`)) return pid;
}

async function conflict(p: Promise<unknown>) {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  if (!isVfleetError(e)) throw new Error(`expected a VfleetError, got ${String(e)}`);
  return e;
}

describe('lockDataDir', () => {
  it('lets one process in; a second gets CONFLICT naming the holder and the dir', async () => {
    const lock = await lockDataDir(dir, opts(process.pid, 'vfleet up --lab'));
    const e = await conflict(lockDataDir(dir, opts(process.pid)));
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toBe(
      `a vfleet controller (pid ${process.pid}) already uses ${dir}; stop it, or give --data-dir`,
    );
    expect(e.details).toMatchObject({
      field: 'data-dir',
      pid: process.pid,
      command: 'vfleet up --lab',
    });
    // Nothing left behind by the refused attempt.
    expect(await readdir(dir)).toEqual([LOCK_FILE]);
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
    const again = await lockDataDir(dir, opts(process.pid));
    again.releaseSync();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('takes over the lock of a process that is gone', async () => {
    const pid = deadPid();
    await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid, command: 'x', since: 'y' }));
    const lock = await lockDataDir(dir, opts(process.pid));
    expect(lines).toEqual([`took over the lock of pid ${pid}, which no longer runs (${dir})`]);
    const holder = JSON.parse(await readFile(lock.file, 'utf8')) as { pid: number };
    expect(holder.pid).toBe(process.pid);
    await lock.release();
  });

  it('tells a reused PID from its first owner by the start time, and by the boot', async () => {
    const me = await identify(process.pid);
    expect(me.startTicks).toMatch(/^\d+$/);
    for (const other of [
      { ...me, startTicks: String(Number(me.startTicks) + 1) },
      { ...me, bootId: 'another-boot' },
    ]) {
      await writeFile(join(dir, LOCK_FILE), JSON.stringify({ ...other, command: 'x' }));
      const lock = await lockDataDir(dir, opts(process.pid));
      await lock.release();
    }
    // The same identity is a live holder.
    await writeFile(join(dir, LOCK_FILE), JSON.stringify({ ...me, command: 'x' }));
    expect((await conflict(lockDataDir(dir, opts(process.pid)))).code).toBe('CONFLICT');
  });

  it('never removes a lock that another process holds by now', async () => {
    const lock = await lockDataDir(dir, opts(process.pid));
    const other = JSON.stringify({ pid: 1, command: 'other' });
    await writeFile(join(dir, LOCK_FILE), other);
    lock.releaseSync();
    await lock.release();
    expect(await readFile(join(dir, LOCK_FILE), 'utf8')).toBe(other);
  });
});
