import { describe, expect, it } from 'vitest';
import { gate, parseMaxUnavailable, waveSize, type GateInput } from './rollout.js';

describe('maxUnavailable', () => {
  it('takes a count or a percentage, and nothing else', () => {
    expect(parseMaxUnavailable('3')).toEqual({ count: 3 });
    expect(parseMaxUnavailable(' 25% ')).toEqual({ percent: 25 });
    for (const bad of ['0', '0%', '101%', '-1', '2.5', 'half', '', '%'])
      expect(parseMaxUnavailable(bad), bad).toBeNull();
  });

  it('sizes a wave: a count as is, a percentage of the hosts rounded up, at least one', () => {
    expect(waveSize('3', 50)).toBe(3);
    expect(waveSize('10%', 50)).toBe(5);
    expect(waveSize('10%', 51)).toBe(6);
    expect(waveSize('1%', 10)).toBe(1);
    expect(waveSize('100%', 7)).toBe(7);
  });
});

describe('the health gate', () => {
  const NOW = Date.parse('2026-12-05T12:00:00.000Z');
  const base: GateInput = {
    targetGeneration: 5,
    appliedGeneration: 5,
    lastApplyMessage: null,
    healthy: true,
    lastSeen: new Date(NOW - 1_000).toISOString(),
    errors: 1,
    errorsBefore: 1,
    startedAt: new Date(NOW - 10_000).toISOString(),
  };
  const run = (over: Partial<GateInput>) => gate({ ...base, ...over }, NOW, 60_000, 600_000);

  it('passes a host that applied, is alive and healthy, with no new error finding', () => {
    expect(run({})).toEqual({ pass: true });
  });

  it('waits while the apply is under way', () => {
    expect(run({ appliedGeneration: 4 })).toEqual({ pass: false, failed: null });
    expect(run({ healthy: null })).toEqual({ pass: false, failed: null });
  });

  it('fails on a failed apply, a new error finding, or no pass in time, saying which', () => {
    expect(run({ appliedGeneration: 4, lastApplyMessage: 'EBUSY' })).toEqual({
      pass: false,
      failed: 'its apply failed: EBUSY',
    });
    expect(run({ errors: 2 })).toEqual({
      pass: false,
      failed: 'its doctor reports 1 new error finding(s) (`vfleet hosts show`)',
    });
    const late = new Date(NOW - 700_000).toISOString();
    expect(run({ appliedGeneration: 4, startedAt: late })).toMatchObject({
      failed: 'generation 5 not applied (at 4) within 600 s',
    });
    expect(run({ lastSeen: new Date(NOW - 120_000).toISOString(), startedAt: late })).toMatchObject(
      {
        failed: 'its agent is not seen within 600 s',
      },
    );
    expect(run({ healthy: false, startedAt: late })).toMatchObject({
      failed: 'its agent does not report it healthy within 600 s',
    });
  });
});
