import { describe, expect, it } from 'vitest';
import { judgeP8 } from './fleet-targets.js';

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
