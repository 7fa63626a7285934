import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LATENCY_BUCKETS_US, latencyHistogram, nearestRank, summarizeLatency } from './latency.js';

const oneToHundred = Array.from({ length: 100 }, (_, i) => 100 - i);

describe('latency percentiles', () => {
  it('takes the nearest rank: p50 of 1..100 is 50, p99 is 99, in any input order', () => {
    expect(summarizeLatency(oneToHundred, 400_000)).toEqual({
      p50Us: 50,
      p90Us: 90,
      p99Us: 99,
      maxUs: 100,
      samples: 100,
      atPps: 400_000,
    });
  });

  it('never interpolates between samples', () => {
    const sorted = [15, 20, 35, 40, 50];
    expect([30, 40, 50, 100].map((p) => nearestRank(sorted, p))).toEqual([20, 20, 35, 50]);
    expect(summarizeLatency([7, 3], 1)).toMatchObject({ p50Us: 3, p90Us: 7, p99Us: 7, maxUs: 7 });
  });

  it('has no summary without samples', () => {
    expect(summarizeLatency([], 1000)).toBeNull();
    expect(nearestRank([], 50)).toBeNull();
  });

  it('gives the smallest sample with at least p% of samples at or below it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 100 }),
        (samples, p) => {
          const v = nearestRank(
            samples.toSorted((a, b) => a - b),
            p,
          );
          const atOrBelow = samples.filter((s) => v !== null && s <= v).length;
          const below = samples.filter((s) => v !== null && s < v).length;
          expect(atOrBelow * 100).toBeGreaterThanOrEqual(p * samples.length);
          expect(below * 100).toBeLessThan(p * samples.length);
        },
      ),
    );
  });

  it.each([[-1], [Number.NaN], [Number.POSITIVE_INFINITY]])('refuses the sample %d', (bad) => {
    expect(() => summarizeLatency([5, bad], 1)).toThrow(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        details: { field: 'samplesUs[1]' },
      }) as Error,
    );
  });

  it.each([[0], [101], [Number.NaN]])('refuses the percentile %d', (p) => {
    expect(() => nearestRank([1], p)).toThrow(/percentile/);
  });
});

describe('latency histogram', () => {
  it('counts each sample in the first bucket whose bound holds it, the rest as overflow', () => {
    expect(latencyHistogram([0, 1, 1.5, 2, 9, 10, 11, 500], [1, 2, 10])).toEqual({
      upperBoundsUs: [1, 2, 10],
      counts: [2, 2, 2],
      overflow: 2,
    });
  });

  it('buckets from 1 µs to 1 s on a 1-2-5 series by default', () => {
    expect(LATENCY_BUCKETS_US.slice(0, 7)).toEqual([1, 2, 5, 10, 20, 50, 100]);
    expect(LATENCY_BUCKETS_US.at(-1)).toBe(1_000_000);
    const h = latencyHistogram([3, 3, 700, 2_000_000]);
    expect(h.counts[LATENCY_BUCKETS_US.indexOf(5)]).toBe(2);
    expect(h.counts[LATENCY_BUCKETS_US.indexOf(1000)]).toBe(1);
    expect(h.overflow).toBe(1);
  });

  it('refuses bounds that are empty or not ascending', () => {
    expect(() => latencyHistogram([1], [])).toThrow(/ascending/);
    expect(() => latencyHistogram([1], [5, 5])).toThrow(/ascending/);
  });
});
