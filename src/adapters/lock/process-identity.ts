import { readFile } from 'node:fs/promises';

/**
 * Who a process is, well enough to tell it from a later process that got
 * the same PID: its start time in clock ticks since boot (/proc/PID/stat,
 * field 22) and the boot it started in (/proc/sys/kernel/random/boot_id).
 * Both are null where there is no /proc (then only the PID is compared).
 */
export interface ProcessIdentity {
  readonly pid: number;
  readonly startTicks: string | null;
  readonly bootId: string | null;
}

const read = (path: string) => readFile(path, 'utf8').catch(() => null);

/** State and start time from /proc/PID/stat; null when there is no such process (or no /proc). */
async function procStat(pid: number): Promise<{ state: string; startTicks: string } | null> {
  const text = await read(`/proc/${pid}/stat`);
  if (text === null) return null;
  // "PID (comm) S ppid ...": comm may hold spaces and parentheses; fields follow the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); field 22 (starttime) is fields[19].
  return { state: fields[0] ?? '', startTicks: fields[19] ?? '' };
}

export async function identify(pid: number): Promise<ProcessIdentity> {
  const stat = await procStat(pid);
  const boot = await read('/proc/sys/kernel/random/boot_id');
  return { pid, startTicks: stat?.startTicks ?? null, bootId: boot?.trim() ?? null };
}

/** Whether the process `who` names still runs (and is not a later one with its PID). */
export async function stillRunning(who: ProcessIdentity): Promise<boolean> {
  const boot = (await read('/proc/sys/kernel/random/boot_id'))?.trim() ?? null;
  if (who.bootId !== null && boot !== null && who.bootId !== boot) return false;
  const stat = await procStat(who.pid);
  if (stat === null) {
    // No /proc entry: gone, if this system has /proc at all; else ask the kernel.
    if ((await read('/proc/self/stat')) !== null) return false;
    return signalProbe(who.pid);
  }
  if (stat.state === 'Z' || stat.state === 'X') return false;
  return who.startTicks === null || who.startTicks === stat.startTicks;
}

function signalProbe(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, under another user.
    return (e as { code?: string }).code === 'EPERM';
  }
}
