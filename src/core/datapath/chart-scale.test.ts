import { describe, expect, it } from 'vitest';
import { seededRandom } from '../seeded-random.js';
import { formatTicks, niceTicks } from './chart-scale.js';

/** The step as m·10^e with m in {1, 2, 5}, or undefined if it is none of those. */
function mantissa(step: number): number | undefined {
  const m = Number((step / 10 ** Math.floor(Math.log10(step))).toPrecision(6));
  return [1, 2, 5, 10].includes(m) ? m : undefined;
}

describe('niceTicks', () => {
  it('covers the data with 1-2-5 steps and a bounded count, for many ranges', () => {
    const random = seededRandom(18);
    for (let run = 0; run < 2000; run++) {
      // Magnitudes from 1e-3 to 1e12: sub-microsecond latencies to packet rates.
      const scale = 10 ** (Math.floor(random() * 16) - 3);
      const a = (random() - 0.2) * scale;
      const b = (random() - 0.2) * scale;
      const t = niceTicks(Math.min(a, b, 0), Math.max(a, b, 0));
      const first = t.values[0] ?? NaN;
      const last = t.values[t.values.length - 1] ?? NaN;
      expect(first).toBeLessThanOrEqual(Math.min(a, b, 0));
      expect(last).toBeGreaterThanOrEqual(Math.max(a, b, 0));
      expect(mantissa(t.step), `step ${t.step}`).toBeDefined();
      expect(t.values.length).toBeGreaterThanOrEqual(2);
      expect(t.values.length).toBeLessThanOrEqual(7);
      for (let i = 1; i < t.values.length; i++) {
        expect((t.values[i] ?? 0) - (t.values[i - 1] ?? 0)).toBeCloseTo(t.step, 6);
      }
    }
  });

  it('gives exact decimal values, not float noise', () => {
    expect(niceTicks(0, 0.3).values).toEqual([0, 0.1, 0.2, 0.3]);
    expect(niceTicks(0, 9400).values).toEqual([0, 2000, 4000, 6000, 8000, 10000]);
  });

  it('widens an empty range to a real axis: all zero, one value, a negative value', () => {
    expect(niceTicks(0, 0).values).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    const one = niceTicks(0, 1488095);
    expect(one.values[one.values.length - 1]).toBeGreaterThanOrEqual(1488095);
    const flat = niceTicks(250, 250);
    expect(flat.values[0]).toBeLessThan(250);
    expect(flat.values[flat.values.length - 1]).toBeGreaterThan(250);
    const negative = niceTicks(-3, -3);
    expect(negative.values[0]).toBeLessThan(-3);
    expect(negative.values[negative.values.length - 1]).toBeGreaterThan(-3);
  });
});

describe('formatTicks', () => {
  it('shares one SI prefix per axis, with as few decimals as tell ticks apart', () => {
    expect(formatTicks(niceTicks(0, 9400))).toEqual(['0', '2k', '4k', '6k', '8k', '10k']);
    expect(formatTicks(niceTicks(0, 1_488_095))).toEqual(['0', '0.5M', '1.0M', '1.5M']);
    expect(formatTicks(niceTicks(0, 14_880_952))).toEqual(['0', '5M', '10M', '15M']);
    expect(formatTicks(niceTicks(0, 3.2e9))).toEqual(['0', '1G', '2G', '3G', '4G']);
    expect(formatTicks(niceTicks(0, 0.9))).toEqual(['0', '0.2', '0.4', '0.6', '0.8', '1.0']);
    expect(formatTicks(niceTicks(0, 850))).toEqual(['0', '200', '400', '600', '800', '1000']);
  });

  it('labels every tick differently and never as NaN, Infinity or -0', () => {
    const random = seededRandom(7);
    for (let run = 0; run < 1000; run++) {
      const hi = random() * 10 ** (Math.floor(random() * 20) - 4);
      const labels = formatTicks(niceTicks(-hi * random(), hi));
      expect(new Set(labels).size).toBe(labels.length);
      for (const l of labels) expect(l).toMatch(/^-?\d+(\.\d+)?[kMGTPE]?$/);
      expect(labels).not.toContain('-0');
    }
  });
});
