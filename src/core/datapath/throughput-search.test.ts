import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulateTrial, thresholdDevice, type SimulatedDevice } from './simulated-device.js';
import {
  nextRate,
  recordTrial,
  searchResult,
  startSearch,
  type SearchOptions,
  type SearchState,
} from './throughput-search.js';

/** Runs the step machine to its end against a simulated device. */
function search(device: SimulatedDevice, options: SearchOptions) {
  let state = startSearch(options);
  const offered: number[] = [];
  for (let rate = nextRate(state); rate !== null; rate = nextRate(state)) {
    offered.push(rate);
    state = recordTrial(state, simulateTrial(device, rate));
  }
  return { result: searchResult(state), offered, state };
}

const LINE_1G_64 = 1_488_095;
const base = { minPps: 1_000, maxPps: LINE_1G_64, resolutionPps: 100 };

describe('the RFC 2544 throughput search', () => {
  it('finds a known loss threshold within the resolution, starting at line rate', () => {
    const { result, offered } = search({ lossAt: thresholdDevice(812_345) }, base);
    expect(offered[0]).toBe(LINE_1G_64);
    expect(result.outcome).toBe('converged');
    expect(result.ratePps).toBeLessThanOrEqual(812_345);
    expect(result.ratePps).toBeGreaterThan(812_345 - 100);
    expect(result.lossRatioAtRate).toBe(0);
    expect(result.generatorLimited).toBe(false);
    expect(result.nonMonotonic).toBe(false);
  });

  it('tries next what an overloaded path carried, not half the rate: a software path near 1% of line rate', () => {
    // Beyond its knee, the path carries 2,000 pps whatever it is offered (a VM's CPU is full).
    const knee = 2_345;
    const lossAt = (pps: number) => (pps <= knee ? 0 : 1 - 2_000 / pps);
    const { result, offered } = search({ lossAt }, base);
    expect(offered.slice(0, 2)).toEqual([LINE_1G_64, 2_000]);
    expect(result.ratePps).toBeLessThanOrEqual(knee);
    expect(result.ratePps).toBeGreaterThan(knee - 100);
    // Then doubling brackets the knee (4,000 pps lost half), and halving closes on it.
    expect(offered[2]).toBe(4_000);
    // Halving alone takes 15 trials: 10 to come down to 2,000 pps, then the bracket.
    const halved = search({ lossAt: thresholdDevice(knee) }, base);
    expect([result.trials, halved.result.trials]).toEqual([8, 15]);
    // With three trials, the figure is already what the path carries, as a lower bound.
    const short = search({ lossAt }, { ...base, maxTrials: 3 });
    expect([short.result.ratePps, short.result.outcome]).toEqual([2_000, 'max-trials']);
  });

  it('takes line rate in one trial from a device that loses nothing', () => {
    const { result, offered } = search({ lossAt: () => 0 }, base);
    expect(offered).toEqual([LINE_1G_64]);
    expect(result).toMatchObject({ ratePps: LINE_1G_64, outcome: 'converged', trials: 1 });
  });

  it('reports 0 and no lossless rate when even the lowest rate loses, having tried it', () => {
    const { result, offered } = search({ lossAt: () => 0.01 }, base);
    expect(offered.at(-1)).toBe(1_000);
    expect(result).toMatchObject({ ratePps: 0, outcome: 'no-lossless-rate' });
    expect(result.lossRatioAtRate).toBeNull();
  });

  it('tolerates loss up to the acceptable loss ratio, and no more', () => {
    const lossAt = (pps: number) => (pps <= 700_000 ? 0.0005 : 0.02);
    expect(search({ lossAt }, base).result.ratePps).toBe(0);
    const { result } = search({ lossAt }, { ...base, acceptableLoss: 0.001 });
    expect(result.ratePps).toBeGreaterThan(700_000 - 100);
    expect(result.ratePps).toBeLessThanOrEqual(700_000);
    expect(result.lossRatioAtRate).toBeCloseTo(0.0005, 6);
    // Just over the tolerance fails: 0.0005 is not within 0.0004.
    expect(search({ lossAt }, { ...base, acceptableLoss: 0.0004 }).result.ratePps).toBe(0);
  });

  it('never claims a rate the generator could not send, and says it was the limit', () => {
    const device = { lossAt: thresholdDevice(812_345), generatorMaxPps: 500_000 };
    const { result, offered } = search(device, base);
    // The line-rate trial sent 500k frames/s without loss: nothing above can be asked.
    expect(offered).toEqual([LINE_1G_64]);
    expect(result).toMatchObject({ ratePps: 500_000, generatorLimited: true, ceilingPps: 500_000 });
    expect(result.outcome).toBe('converged');
  });

  it('still searches below a generator that tops out above the device, and the device is the limit', () => {
    const device = { lossAt: thresholdDevice(300_000), generatorMaxPps: 500_000 };
    const { result, offered } = search(device, base);
    expect(Math.max(...offered.slice(1))).toBeLessThanOrEqual(500_000);
    // The generator fell short, but the device lost frames below what it sent.
    expect(result.generatorLimited).toBe(false);
    expect(result.ceilingPps).toBe(500_000);
    expect(result.ratePps).toBeGreaterThan(300_000 - 100);
    expect(result.ratePps).toBeLessThanOrEqual(300_000);
  });

  it('credits no pass above a fail, and searches below the fail', () => {
    const run = (s: SearchState, pps: number, lost: number) =>
      recordTrial(s, {
        offeredPps: pps,
        sentFrames: pps,
        receivedFrames: pps - lost,
        durationMs: 1000,
      });
    // A pass at 900k, then a fail at 500k (a flaky path, or a trial the caller added).
    let s = run(run(startSearch(base), 900_000, 0), 500_000, 3);
    expect(searchResult(s)).toMatchObject({ ratePps: 0, nonMonotonic: true });
    const next = nextRate(s);
    expect(next).not.toBeNull();
    expect(next).toBeLessThan(500_000);
    s = run(s, 400_000, 0);
    expect(searchResult(s).ratePps).toBe(400_000);
    // A rate that both passed and failed is not credited either.
    expect(searchResult(run(s, 400_000, 1)).ratePps).toBe(0);
  });

  it('stops at maxTrials and says the rate is only a lower bound', () => {
    const { result, offered } = search(
      { lossAt: thresholdDevice(812_345) },
      { ...base, resolutionPps: 1, maxTrials: 4 },
    );
    expect(offered).toHaveLength(4);
    expect(result).toMatchObject({ trials: 4, outcome: 'max-trials' });
    expect(result.ratePps).toBeLessThanOrEqual(812_345);
  });

  it('calls a search with trials left unfinished, not failed', () => {
    expect(searchResult(startSearch(base)).outcome).toBe('unfinished');
  });

  it('converges within the resolution in at most ceil(log2(range / resolution)) + 1 trials', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_000, max: 100_000 }),
        fc.integer({ min: 100_000, max: 40_000_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 50_000 }),
        (minPps, maxPps, where, resolutionPps) => {
          // A threshold at least one resolution above the floor; below it the
          // floor itself costs one more trial (tested above).
          const threshold = Math.floor(minPps + resolutionPps + where * (maxPps - minPps));
          const opts = { minPps, maxPps, resolutionPps };
          const { result } = search({ lossAt: thresholdDevice(threshold) }, opts);
          const expected = Math.min(threshold, maxPps);
          expect(result.ratePps).toBeLessThanOrEqual(expected);
          expect(result.ratePps).toBeGreaterThan(expected - resolutionPps);
          const bound = Math.ceil(Math.log2((maxPps - minPps) / resolutionPps)) + 1;
          expect(result.trials).toBeLessThanOrEqual(Math.max(1, bound));
        },
      ),
      { numRuns: 500 },
    );
  });
});
