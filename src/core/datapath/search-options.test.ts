import { describe, expect, it } from 'vitest';
import { resolveSearchOptions } from './search-options.js';

const base = { minPps: 1_000, maxPps: 14_880_952 };

describe('search options', () => {
  it('defaults to 0.1% of line rate, strict loss, 30 trials and a 1% generator tolerance', () => {
    const { resolutionPps, ...rest } = resolveSearchOptions(base);
    expect(resolutionPps).toBeCloseTo(14_880.952, 6);
    expect(rest).toEqual({
      ...base,
      acceptableLoss: 0,
      maxTrials: 30,
      generatorTolerance: 0.01,
    });
  });

  it('takes the coarser of an absolute and a relative resolution', () => {
    expect(
      resolveSearchOptions({ ...base, resolutionPps: 50_000, relativeResolution: 0.001 }),
    ).toMatchObject({ resolutionPps: 50_000 });
    const relative = resolveSearchOptions({ ...base, resolutionPps: 10, relativeResolution: 0.01 });
    expect(relative.resolutionPps).toBeCloseTo(148_809.52, 6);
    expect(resolveSearchOptions({ ...base, resolutionPps: 10 }).resolutionPps).toBe(10);
  });

  it('never resolves finer than 1 pps, the generator asked for whole frames per second', () => {
    expect(resolveSearchOptions({ ...base, resolutionPps: 0.25 }).resolutionPps).toBe(1);
  });

  it.each([
    ['maxPps', { maxPps: 0 }],
    ['minPps', { minPps: 20_000_000 }],
    ['minPps', { minPps: 0 }],
    ['resolutionPps', { resolutionPps: Number.POSITIVE_INFINITY }],
    ['relativeResolution', { relativeResolution: 1 }],
    ['acceptableLoss', { acceptableLoss: -0.1 }],
    ['acceptableLoss', { acceptableLoss: 1 }],
    ['maxTrials', { maxTrials: 0 }],
    ['generatorTolerance', { generatorTolerance: Number.NaN }],
  ])('refuses a bad %s', (field, change) => {
    expect(() => resolveSearchOptions({ ...base, ...change })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', details: { field } }) as Error,
    );
  });
});
