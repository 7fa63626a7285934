import { describe, expect, it } from 'vitest';
import { VfleetError } from '../core/errors.js';
import { inventory } from '../testing/inventory-builders.js';
import type { AgentClient } from './agent-client.js';
import { runAgent, type AgentDeps } from './run-agent.js';

/** A clock whose sleeps end at once, recording how long the agent meant to wait. */
function instantClock() {
  const sleeps: number[] = [];
  let now = 0;
  return {
    sleeps,
    now: () => now,
    sleep: (ms: number) => {
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
}

function agent(client: Partial<AgentClient>, stop: AbortController) {
  const clock = instantClock();
  const logs: string[] = [];
  const full: AgentClient = {
    register: () => Promise.resolve(),
    report: () => Promise.resolve(),
    // The first long poll ends the run: startup is what is under test.
    desired: () => {
      stop.abort();
      return Promise.reject(new Error('stopped'));
    },
    applied: () => Promise.resolve(),
    taskDone: () => Promise.resolve(),
    ...client,
  };
  const deps: AgentDeps = {
    client: full,
    labels: {},
    scan: () => Promise.resolve(inventory([])),
    doctor: () => Promise.resolve([]),
    apply: () => Promise.reject(new Error('no apply expected')),
    clock,
    log: (l) => logs.push(l),
    rescanMs: 1_000,
    heartbeatMs: 30_000,
    longPollSeconds: 1,
  };
  return { run: runAgent(deps, stop.signal), clock, logs };
}

describe('agent startup', () => {
  it('keeps trying a controller it cannot reach, backing off, then joins', async () => {
    let registers = 0;
    let reports = 0;
    const stop = new AbortController();
    const a = agent(
      {
        register: () =>
          ++registers < 4 ? Promise.reject(new TypeError('fetch failed')) : Promise.resolve(),
        report: () =>
          ++reports < 2 ? Promise.reject(new TypeError('other side closed')) : Promise.resolve(),
      },
      stop,
    );
    await a.run;
    expect(registers).toBe(4);
    expect(reports).toBe(2);
    expect(a.clock.sleeps.slice(0, 4)).toEqual([1_000, 2_000, 4_000, 1_000]);
    expect(a.logs.slice(0, 4)).toEqual([
      'register: fetch failed; trying again',
      'register: fetch failed; trying again',
      'register: fetch failed; trying again',
      'first report: other side closed; trying again',
    ]);
  });

  it("ends at the controller's own refusal (a bad token)", async () => {
    const stop = new AbortController();
    const a = agent(
      { register: () => Promise.reject(new VfleetError('UNAUTHORIZED', 'controller: bad token')) },
      stop,
    );
    await expect(a.run).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(a.clock.sleeps).toEqual([]);
  });
});
