import { readFile } from 'node:fs/promises';
import { VfleetError } from '../core/errors.js';
import { callAgent } from './agent-client.js';
import { CONSOLE_PREFIX } from './guest/guest-files.js';
import { isInstanceQemu } from './instance.js';
import type { InstancePaths, LabDeps } from './lab-deps.js';
import { progressDeadline, scaledLimits } from './progress-deadline.js';

/** Boot id, then one line per igb PF whose SR-IOV capability the kernel sees. */
const PROBE = [
  'cat /proc/sys/kernel/random/boot_id',
  'for d in /sys/bus/pci/drivers/igb/0000:*; do [ -e "$d/sriov_totalvfs" ] && echo pf; done',
  'true',
].join('; ');

/** The last `lines` non-empty lines of the serial log (the console writes CRLF). */
export async function serialTail(paths: InstancePaths, lines = 20): Promise<string> {
  const text = await readFile(paths.serialLog, 'utf8').catch(() => null);
  if (text === null) return '(no serial log)';
  const kept = text
    .replace(/\r/g, '')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(-lines);
  return kept.length === 0 ? '(the guest has printed nothing yet)' : kept.join('\n');
}

const NOT_ANSWERED = 'the agent has not answered';

export interface WaitOptions {
  readonly pid: number;
  readonly pfs: number;
  /**
   * Always granted; past it the wait goes on while the guest makes progress
   * (new console output, a new probe state) with no gap of `stallMs`, up to
   * 5 times this in all (progress-deadline.ts).
   */
  readonly timeoutMs: number;
  /** How long without progress ends the wait once `timeoutMs` has passed (default 90 s). */
  readonly stallMs?: number;
  /** Wait for a boot other than this one (after a reboot). */
  readonly notBootId?: string;
  /** Console lines before this byte of the serial log were already reported. */
  readonly logFrom?: number;
  /** Gives up (COMMAND_FAILED) once aborted. */
  readonly signal?: AbortSignal;
}

async function stillQemu(deps: LabDeps, pid: number, paths: InstancePaths): Promise<boolean> {
  await deps.clock.sleep(500);
  return isInstanceQemu(pid, paths);
}

export async function serialLogSize(paths: InstancePaths): Promise<number> {
  return (await readFile(paths.serialLog).catch(() => Buffer.alloc(0))).length;
}

/**
 * Waits until the guest's agent answers and all PFs are probed; reports the
 * guest init's console lines as progress. Fails early when QEMU is gone or
 * the kernel panics, and late (TIMEOUT) once the guest stops making progress
 * past `timeoutMs`, always with the tail of the serial log: a busy machine
 * boots slowly, but its console keeps advancing.
 */
export async function waitReady(
  deps: LabDeps,
  paths: InstancePaths,
  opts: WaitOptions,
): Promise<string> {
  const start = deps.clock.now();
  const deadline = progressDeadline(start, scaledLimits(opts.timeoutMs, opts.stallMs));
  let seen = opts.logFrom ?? 0;
  let state = NOT_ANSWERED;
  const fail = async (
    code: 'COMMAND_FAILED' | 'TIMEOUT',
    why: string,
    mark: { qemuExited?: true; stalledBeforeAgent?: true } = {},
  ) => {
    const tail = await serialTail(paths);
    return new VfleetError(code, `${why}; last serial console lines:\n${tail}`, {
      serialLog: paths.serialLog,
      ...mark,
    });
  };
  for (;;) {
    const bytes = await readFile(paths.serialLog).catch(() => Buffer.alloc(0));
    const whole = bytes.lastIndexOf(10) + 1;
    const fresh = whole > seen ? bytes.subarray(seen, whole).toString('utf8') : '';
    if (whole > seen) deadline.progressed(deps.clock.now());
    seen = Math.max(seen, whole);
    for (const line of fresh.split('\n')) {
      const at = line.indexOf(CONSOLE_PREFIX);
      if (at === -1) continue;
      const detail = line.slice(at + CONSOLE_PREFIX.length).trim();
      deps.progress({ step: 'guest', status: 'info', detail });
    }
    if (fresh.includes('Kernel panic'))
      throw await fail('COMMAND_FAILED', 'the lab kernel panicked');
    if (opts.signal?.aborted === true)
      throw new VfleetError('COMMAND_FAILED', 'the lab boot was interrupted', {
        serialLog: paths.serialLog,
      });
    // Looked at twice: one empty read of /proc must not end a boot.
    if (!(await isInstanceQemu(opts.pid, paths)) && !(await stillQemu(deps, opts.pid, paths)))
      throw await fail('COMMAND_FAILED', `QEMU (pid ${opts.pid}) exited during boot`, {
        qemuExited: true,
      });
    const now = deps.clock.now();
    if (deadline.expired(now))
      throw await fail(
        'TIMEOUT',
        `the lab guest was not ready after ${Math.round((now - start) / 1000)} s: ${deadline.why(now)} (${state})`,
        // Silent and agentless: the kernel stopped in its boot (not merely slow, see lab-up.ts).
        state === NOT_ANSWERED && !deadline.capped(now) ? { stalledBeforeAgent: true } : {},
      );
    const left = deadline.endsAt() - now;
    try {
      const r = await callAgent(
        paths.agentSocket,
        { argv: ['/bin/sh', '-c', PROBE] },
        Math.min(3000, left),
        deps.clock,
      );
      const [bootId = '', ...rest] = r.stdout.trim().split('\n');
      const pfs = rest.filter((l) => l === 'pf').length;
      const next = `the agent answers; ${pfs} of ${opts.pfs} PFs probed`;
      if (next !== state) deadline.progressed(deps.clock.now());
      state = next;
      if (bootId !== '' && bootId !== opts.notBootId && pfs >= opts.pfs) return bootId;
    } catch (e) {
      // Not answering yet (booting) is expected; anything else is a real failure.
      if (!(e instanceof VfleetError) || (e.code !== 'TIMEOUT' && e.code !== 'COMMAND_FAILED'))
        throw e;
    }
    await deps.clock.sleep(300);
  }
}
