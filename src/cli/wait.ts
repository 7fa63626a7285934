import { Option, type Command } from 'commander';
import { VfleetError } from '../core/errors.js';
import type { CliDeps } from './cli-deps.js';
import { intArg } from './fleet-options.js';

/** Long enough for an agent's next report plus a slow apply on a busy host; short enough to notice. */
export const DEFAULT_WAIT_TIMEOUT_S = 300;
const POLL_MS = 500;

export interface WaitOptions {
  /** --wait (or, where waiting is the default, false after --no-wait). */
  readonly wait?: boolean;
  readonly waitTimeout: number;
}

/** `--wait-timeout SECONDS`: how long a wait lasts before it ends with TIMEOUT (exit 11). */
export const waitTimeoutOption = (): Option =>
  new Option(
    '--wait-timeout <seconds>',
    'with waiting: give up after SECONDS (exit 11, naming what was not reached)',
  )
    .argParser(intArg('wait-timeout', 1, 86_400))
    .default(DEFAULT_WAIT_TIMEOUT_S);

/** `--wait` and `--wait-timeout` on a command whose effect an agent applies. */
export const withWait = (c: Command, what: string): Command =>
  c
    .option('--wait', `wait until ${what}, printing progress on stderr`)
    .addOption(waitTimeoutOption());

/**
 * One look at the state waited for: done (with the value to print), or
 * where it stands, one line per thing waited on (a host, a VF).
 */
export type Poll<T> = { readonly done: T } | { readonly progress: readonly string[] };

/**
 * Polls until `poll` says done, printing each new progress line on stderr.
 * Ends with TIMEOUT naming `what` and the last progress after the timeout,
 * or on Ctrl-C (SIGINT/SIGTERM), saying that only the waiting stopped.
 */
export async function waitFor<T>(
  deps: CliDeps,
  o: { readonly what: string; readonly timeoutS: number; readonly followWith: string },
  poll: () => Promise<Poll<T>>,
): Promise<T> {
  const end = deps.clock.now() + o.timeoutS * 1000;
  const stopped = deps.fleet?.untilStopped() ?? new Promise<string>(() => undefined);
  const stop: { signal: string | null } = { signal: null };
  void stopped.then((s) => {
    stop.signal = s;
  });
  let shown = new Set<string>();
  let last = '';
  for (;;) {
    const p = await poll();
    if ('done' in p) return p.done;
    // Only what moved since the last look, so a busy wait stays readable.
    for (const line of p.progress) if (!shown.has(line)) deps.err(`${line}\n`);
    shown = new Set(p.progress);
    last = p.progress.join('; ');
    if (stop.signal !== null)
      throw new VfleetError(
        'TIMEOUT',
        `stopped waiting for ${o.what} (${stop.signal === 'SIGINT' ? 'Ctrl-C' : stop.signal}); the change goes on: ${o.followWith}`,
        { reached: last },
      );
    if (deps.clock.now() >= end)
      throw new VfleetError(
        'TIMEOUT',
        `${o.what}: not reached within ${o.timeoutS} s (last: ${last}); it may still come: ${o.followWith}, or wait longer with --wait-timeout`,
        { reached: last },
      );
    // The stop signal ends the sleep, so Ctrl-C answers at once.
    await Promise.race([deps.clock.sleep(POLL_MS), stopped]);
  }
}
