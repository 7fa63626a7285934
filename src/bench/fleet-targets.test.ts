import { describe, expect, it } from 'vitest';
import { controllerDelivery, judgeP8 } from './fleet-targets.js';

const idle = {
  seconds: 60,
  cpuTicks: 120,
  ticksPerSecond: 100,
  rssMaxBytes: 300 * 2 ** 20,
  rssEndBytes: 290 * 2 ** 20,
  requests: 30_000,
};
const change = {
  hosts: 3,
  receivedMs: [100, 900, 4_200],
  appliedMs: [200, 1_000, 4_900],
  others: 0,
};

describe('judgeP8', () => {
  it('turns ticks into % of one core and judges each target', () => {
    const r = judgeP8(idle, change);
    expect(r.idleCpuPercentOfOneCore).toBe(2);
    expect(r.idleRequestsPerSecond).toBe(500);
    expect(r.rssMaxMb).toBe(300);
    expect(r.specChangeDeliveredSeconds).toBe(4.2);
    expect(r.specChangeAllAppliedSeconds).toBe(4.9);
    expect(r.pass).toEqual({ idleCpu: true, memory: true, specChange: true });
  });

  it('fails what misses: too much CPU or memory, a host never reached, a host reached that should not be', () => {
    const r = judgeP8(
      { ...idle, cpuTicks: 301, rssMaxBytes: 1025 * 2 ** 20 },
      { ...change, receivedMs: [100, 900] },
    );
    expect(r.idleCpuPercentOfOneCore).toBe(5.02);
    expect(r.specChangeDeliveredSeconds).toBeNull();
    expect(r.pass).toEqual({ idleCpu: false, memory: false, specChange: false });
    expect(judgeP8(idle, { ...change, others: 1 }).pass.specChange).toBe(false);
    expect(judgeP8(idle, { ...change, receivedMs: [100, 900, 5_001] }).pass.specChange).toBe(false);
  });
});

describe('controllerDelivery', () => {
  const scrape = (buckets: Record<string, number>, count: number) =>
    [
      '# TYPE vfleet_desired_state_delivery_seconds histogram',
      ...Object.entries(buckets).map(
        ([le, n]) => `vfleet_desired_state_delivery_seconds_bucket{le="${le}"} ${String(n)}`,
      ),
      `vfleet_desired_state_delivery_seconds_count ${String(count)}`,
    ].join('\n');

  it('counts what the change added and finds the least bound holding all of it', () => {
    // 5 answered before the change (all within 0.5 s); the change adds 1,000, the slowest after 3 s.
    const before = scrape({ '0.5': 5, '1': 5, '2': 5, '3': 5, '4': 5, '5': 5, '+Inf': 5 }, 5);
    const after = scrape(
      { '0.5': 105, '1': 405, '2': 905, '3': 995, '4': 1005, '5': 1005, '+Inf': 1005 },
      1005,
    );
    expect(controllerDelivery(before, after)).toEqual({ answered: 1000, allWithinSeconds: 4 });
  });

  it('says null when nothing was answered, or when some took longer than every bound', () => {
    const none = scrape({ '1': 0, '+Inf': 0 }, 0);
    expect(controllerDelivery(none, none)).toEqual({ answered: 0, allWithinSeconds: null });
    // A metric the controller does not have (an older one) reads as nothing answered.
    expect(controllerDelivery('', '')).toEqual({ answered: 0, allWithinSeconds: null });
    const slow = scrape({ '1': 2, '30': 2, '+Inf': 3 }, 3);
    expect(controllerDelivery(none, slow)).toEqual({ answered: 3, allWithinSeconds: null });
  });
});
