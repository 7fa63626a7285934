import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { VfleetError } from '../../core/errors.js';
import { identify, stillRunning, type ProcessIdentity } from './process-identity.js';

/** The file in a data dir that says which process uses it. */
export const LOCK_FILE = 'controller.lock';

export interface LockHolder extends ProcessIdentity {
  /** The holder's command line, for the message a second process prints. */
  readonly command: string;
  readonly since: string;
}

export interface DataDirLock {
  readonly file: string;
  /** Removes the lock file if it is still this process's. */
  release(): Promise<void>;
  /** The same, for process 'exit' handlers (no awaiting there). */
  releaseSync(): void;
}

export interface LockOptions {
  readonly pid: number;
  readonly command: string;
  readonly now: string;
  /** Told when a dead holder's lock is taken over. */
  readonly log: (line: string) => void;
}

/**
 * Takes the data dir for this process, or fails with CONFLICT naming the
 * process that has it. The lock file is written aside and hard-linked into
 * place, so it appears whole and only one process can create it. A lock
 * whose holder is gone (killed, or the host rebooted; a PID reused since is
 * told apart by its start time) is moved aside and dropped, but only if
 * what was moved is still the stale lock that was read: a racing process
 * may have replaced it with a live one in between, which is put back.
 */
export async function lockDataDir(dir: string, o: LockOptions): Promise<DataDirLock> {
  const file = join(dir, LOCK_FILE);
  const me: LockHolder = { ...(await identify(o.pid)), command: o.command, since: o.now };
  const text = `${JSON.stringify(me)}\n`;
  const tmp = `${file}.${o.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(tmp, text, { mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 10; attempt++) {
      if (await tryLink(tmp, file)) return held(file, text);
      const seen = await readOrNull(file);
      if (seen === null) continue;
      const holder = parseHolder(seen);
      if (holder !== null && (await stillRunning(holder))) throw inUse(dir, holder);
      await dropStale(file, seen, o.pid);
      o.log(
        holder === null
          ? `removed an unreadable lock file in ${dir}`
          : `took over the lock of pid ${holder.pid}, which no longer runs (${dir})`,
      );
    }
    throw new VfleetError('CONFLICT', `cannot take the lock ${file}: it keeps changing`, {
      field: 'data-dir',
      dataDir: dir,
    });
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

function inUse(dir: string, h: LockHolder): VfleetError {
  return new VfleetError(
    'CONFLICT',
    `a vfleet controller (pid ${h.pid}) already uses ${dir}; stop it, or give --data-dir`,
    { field: 'data-dir', dataDir: dir, pid: h.pid, command: h.command, since: h.since },
  );
}

async function tryLink(from: string, to: string): Promise<boolean> {
  try {
    await link(from, to);
    return true;
  } catch (e) {
    if ((e as { code?: string }).code === 'EEXIST') return false;
    throw e;
  }
}

async function dropStale(file: string, stale: string, pid: number): Promise<void> {
  const aside = `${file}.stale.${pid}.${randomBytes(4).toString('hex')}`;
  try {
    await rename(file, aside);
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return;
    throw e;
  }
  if ((await readOrNull(aside)) !== stale) await tryLink(aside, file);
  await unlink(aside).catch(() => undefined);
}

function held(file: string, text: string): DataDirLock {
  const mine = (now: string | null) => now === text;
  return {
    file,
    async release() {
      if (mine(await readOrNull(file))) await unlink(file).catch(() => undefined);
    },
    releaseSync() {
      try {
        if (mine(readFileSync(file, 'utf8'))) unlinkSync(file);
      } catch {
        // Already gone: nothing to release.
      }
    },
  };
}

function readOrNull(file: string): Promise<string | null> {
  return readFile(file, 'utf8').catch((e: unknown) => {
    if ((e as { code?: string }).code === 'ENOENT') return null;
    throw e;
  });
}

function parseHolder(text: string): LockHolder | null {
  try {
    const v = JSON.parse(text) as Partial<LockHolder>;
    if (typeof v.pid !== 'number' || !Number.isInteger(v.pid) || v.pid <= 0) return null;
    return {
      pid: v.pid,
      startTicks: typeof v.startTicks === 'string' ? v.startTicks : null,
      bootId: typeof v.bootId === 'string' ? v.bootId : null,
      command: typeof v.command === 'string' ? v.command : '?',
      since: typeof v.since === 'string' ? v.since : '?',
    };
  } catch {
    return null;
  }
}
