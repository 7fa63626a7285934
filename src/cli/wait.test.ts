import { describe, expect, it } from 'vitest';
import { VfleetError, errorCodeInfo } from '../core/errors.js';
import type { CliDeps } from './cli-deps.js';
import type { FleetDeps } from './fleet-deps.js';
import { waitFor, type Poll } from './wait.js';

/** Just what waitFor touches: a clock that moves only when slept on, stderr, and a stop switch. */
function fakeDeps(stopAfterSleeps: number | null = null) {
  let now = 0;
  let sleeps = 0;
  let err = '';
  let stop: (s: string) => void = () => undefined;
  const stopped = new Promise<string>((r) => {
    stop = r;
  });
  const deps = {
    clock: {
      now: () => now,
      sleep: async (ms: number) => {
        now += ms;
        sleeps++;
        if (sleeps === stopAfterSleeps) stop('SIGINT');
        await Promise.resolve();
      },
    },
    err: (t: string) => (err += t),
    fleet: { untilStopped: () => stopped } as unknown as FleetDeps,
  } as unknown as CliDeps;
  return { deps, stderr: () => err, now: () => now };
}

const what = { what: 'spec igb applied', timeoutS: 5, followWith: 'vfleet hosts show HOST' };

describe('waitFor', () => {
  it('prints each progress line once, when it moves, and returns what was reached', async () => {
    const f = fakeDeps();
    const looks: Poll<string>[] = [
      { progress: ['a: 0/4 VFs', 'b: 0/4 VFs'] },
      { progress: ['a: 0/4 VFs', 'b: 0/4 VFs'] },
      { progress: ['a: 4/4 VFs', 'b: 0/4 VFs'] },
      { done: 'both' },
    ];
    let i = 0;
    const got = await waitFor(f.deps, what, () => Promise.resolve(looks[i++] ?? { done: 'x' }));
    expect(got).toBe('both');
    expect(f.stderr()).toBe('a: 0/4 VFs\nb: 0/4 VFs\na: 4/4 VFs\n');
  });

  it('ends with TIMEOUT (exit 11) naming what was not reached and the last progress', async () => {
    const f = fakeDeps();
    const e = await waitFor(f.deps, what, () =>
      Promise.resolve({ progress: ['a: 2/4 VFs'] }),
    ).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(VfleetError);
    const err = e as VfleetError;
    expect(errorCodeInfo[err.code].exitCode).toBe(11);
    expect(err.message).toBe(
      'spec igb applied: not reached within 5 s (last: a: 2/4 VFs); it may still come: vfleet hosts show HOST, or wait longer with --wait-timeout',
    );
    // It waited the whole timeout, not a poll less.
    expect(f.now()).toBeGreaterThanOrEqual(5000);
    expect(f.stderr()).toBe('a: 2/4 VFs\n');
  });

  it('stops waiting on Ctrl-C, saying the change goes on', async () => {
    const f = fakeDeps(2);
    const e = (await waitFor(f.deps, what, () =>
      Promise.resolve({ progress: ['a: 0/4 VFs'] }),
    ).catch((x: unknown) => x)) as VfleetError;
    expect(e.code).toBe('TIMEOUT');
    expect(e.message).toBe(
      'stopped waiting for spec igb applied (Ctrl-C); the change goes on: vfleet hosts show HOST',
    );
    expect(f.now()).toBeLessThan(5000);
  });
});
