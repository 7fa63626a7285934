import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../core/ports.js';
import type { InstancePaths, LabDeps } from './lab-deps.js';
import { labDir } from './lab-deps.js';
import type { LabUpOptions } from './lab-options.js';

/** What `lab up` leaves in the instance folder for later commands. */
export interface InstanceRecord {
  readonly name: string;
  readonly pid: number;
  /** Epoch ms when QEMU was started. */
  readonly startedAt: number;
  readonly options: LabUpOptions;
  readonly imageKey: string;
  readonly kernelRelease: string;
  /** Ms from `lab up` to a ready guest, or null while booting. */
  readonly readyMs: number | null;
}

export async function readRecord(paths: InstancePaths): Promise<InstanceRecord | null> {
  try {
    return JSON.parse(await readFile(paths.record, 'utf8')) as InstanceRecord;
  } catch {
    return null;
  }
}

export async function writeRecord(paths: InstancePaths, record: InstanceRecord): Promise<void> {
  await mkdir(paths.dir, { recursive: true });
  await writeFile(paths.record, `${JSON.stringify(record, null, 2)}\n`);
}

export async function instanceNames(deps: Pick<LabDeps, 'cacheDir'>): Promise<string[]> {
  const entries = await readdir(join(labDir(deps), 'instances'), { withFileTypes: true }).catch(
    () => [],
  );
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

export async function readPidFile(paths: InstancePaths): Promise<number | null> {
  const text = await readFile(paths.pidFile, 'utf8').catch(() => '');
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 1 ? pid : null;
}

/**
 * Whether `pid` is the QEMU this instance started: its command line names the
 * instance's pidfile. A recycled pid belongs to someone else and is left alone.
 */
export async function isInstanceQemu(pid: number, paths: InstancePaths): Promise<boolean> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return cmdline.split('\0').includes(paths.pidFile);
}

/** The pid of this instance's QEMU while it runs, else null. */
export async function runningQemuPid(paths: InstancePaths): Promise<number | null> {
  const pid = await readPidFile(paths);
  return pid !== null && (await isInstanceQemu(pid, paths)) ? pid : null;
}

async function waitGone(
  pid: number,
  paths: InstancePaths,
  clock: Clock,
  ms: number,
): Promise<boolean> {
  const end = clock.now() + ms;
  while (clock.now() < end) {
    if (!(await isInstanceQemu(pid, paths))) return true;
    await clock.sleep(100);
  }
  return !(await isInstanceQemu(pid, paths));
}

/** Ends this instance's QEMU (TERM, then KILL after 10 s). False when it was not running. */
export async function stopQemu(pid: number, paths: InstancePaths, clock: Clock): Promise<boolean> {
  if (!(await isInstanceQemu(pid, paths))) return false;
  process.kill(pid, 'SIGTERM');
  if (await waitGone(pid, paths, clock, 10_000)) return true;
  process.kill(pid, 'SIGKILL');
  await waitGone(pid, paths, clock, 5_000);
  return true;
}

export async function removeInstance(paths: InstancePaths): Promise<void> {
  await rm(paths.dir, { recursive: true, force: true });
}
