import { readFile } from 'node:fs/promises';

/**
 * A process's CPU time and memory as Linux shows them in /proc/PID/stat and
 * /proc/PID/status: read from outside, so a child's figures are its own.
 */

/** utime + stime in clock ticks, fields 14 and 15 of /proc/PID/stat (the command in field 2 may hold spaces). */
export function parseCpuTicks(stat: string): number {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state): field n is rest[n - 3].
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime))
    throw new Error(`bad /proc stat: ${stat}`);
  return utime + stime;
}

/** VmRSS of /proc/PID/status, in bytes. */
export function parseRssBytes(status: string): number {
  const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (m?.[1] === undefined) throw new Error('no VmRSS in /proc status');
  return Number(m[1]) * 1024;
}

export interface ProcSample {
  readonly cpuTicks: number;
  readonly rssBytes: number;
}

export async function sampleProc(pid: number): Promise<ProcSample> {
  const [stat, status] = await Promise.all([
    readFile(`/proc/${pid}/stat`, 'utf8'),
    readFile(`/proc/${pid}/status`, 'utf8'),
  ]);
  return { cpuTicks: parseCpuTicks(stat), rssBytes: parseRssBytes(status) };
}

/**
 * Busy clock ticks of the whole machine: the `cpu` line of /proc/stat, all
 * but idle and iowait (guest time is already inside user time).
 */
export function parseMachineBusyTicks(stat: string): number {
  const line = stat.split('\n').find((l) => l.startsWith('cpu '));
  const f = (line ?? '').trim().split(/\s+/).slice(1).map(Number);
  if (f.length < 8 || f.some((x) => !Number.isFinite(x)))
    throw new Error(`bad /proc/stat: ${stat.slice(0, 200)}`);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = f;
  return user + nice + system + irq + softirq + steal;
}

export async function machineBusyTicks(): Promise<number> {
  return parseMachineBusyTicks(await readFile('/proc/stat', 'utf8'));
}
