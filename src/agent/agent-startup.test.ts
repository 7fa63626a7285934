import { describe, expect, it } from 'vitest';
import { VfleetError } from '../core/errors.js';
import { inventory } from '../testing/inventory-builders.js';
import { quietClient } from '../testing/quiet-client.js';
import { createRenderOnlyDriver } from '../core/libvirt/render-only-driver.js';
import { createDomainKeeper } from './domain-reconcile.js';
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

function agent(client: Partial<AgentClient>, stop: AbortController, more: Partial<AgentDeps> = {}) {
  const clock = instantClock();
  const logs: string[] = [];
  const full = quietClient({
    // The first long poll ends the run: startup is what is under test.
    desired: () => {
      stop.abort();
      return Promise.reject(new Error('stopped'));
    },
    ...client,
  });
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
    ...more,
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
          ++reports < 2
            ? Promise.reject(new TypeError('other side closed'))
            : Promise.resolve(null),
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

describe('task answers', () => {
  it('an answer that did not arrive is sent again with the same generation; the task runs once', async () => {
    const stop = new AbortController();
    const afters: number[] = [];
    const answers: string[] = [];
    let runs = 0;
    let desiredCalls = 0;
    const task = {
      id: 't1',
      op: 'detach-device' as const,
      args: { domain: 'vm-1', xml: '<interface/>', scope: { live: true } },
    };
    const a = agent(
      {
        desired: (after) => {
          afters.push(after);
          if (++desiredCalls > 2) {
            stop.abort();
            return Promise.reject(new Error('stopped'));
          }
          return Promise.resolve({ generation: 7, state: { pfs: [] }, domains: [], tasks: [task] });
        },
        taskDone: (id, o) => {
          answers.push(`${id}:${String(o.ok)}`);
          return answers.length === 1
            ? Promise.reject(new TypeError('other side closed'))
            : Promise.resolve();
        },
      },
      stop,
      {
        apply: () => Promise.resolve({ plan: { pfs: [] }, steps: [] } as never),
        domains: createDomainKeeper({
          ...createRenderOnlyDriver(),
          detachDevice: () => {
            runs++;
            return Promise.resolve();
          },
        }),
      },
    );
    await a.run;
    // Not advanced past 7 until the answer was delivered; the keeper's memory answers the second time.
    expect(afters).toEqual([0, 0, 7]);
    expect(answers).toEqual(['t1:true', 't1:true']);
    expect(runs).toBe(1);
    expect(a.logs).toContain('task t1: answer not delivered: TypeError: other side closed');
  });
});
