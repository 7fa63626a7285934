import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineRatePps, wireMbps } from './line-rate.js';

describe('line rate', () => {
  it.each([
    [1_000, 64, 1_488_095],
    [1_000, 1518, 81_274],
    [10_000, 64, 14_880_952],
    [10_000, 1518, 812_743],
    [25_000, 64, 37_202_380],
    [25_000, 1518, 2_031_859],
  ])('%d Mbit/s at %d bytes is %d frames/s', (link, size, pps) => {
    expect(lineRatePps(link, size)).toBe(pps);
  });

  it('reads back as the link speed in wire Mbit/s, short by less than one frame', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 10, max: 400_000 }),
        fc.integer({ min: 64, max: 9216 }),
        (link, size) => {
          const mbps = wireMbps(lineRatePps(link, size), size);
          expect(mbps).toBeLessThanOrEqual(link);
          expect(link - mbps).toBeLessThan(((size + 20) * 8) / 1e6);
        },
      ),
    );
  });

  it('counts 20 bytes of preamble and gap per frame in Mbit/s', () => {
    expect(wireMbps(1_000_000, 64)).toBe(672);
    expect(wireMbps(1_000_000, 1500)).toBe(12_160);
  });

  it.each([
    [0, 64, 'linkMbps'],
    [-10_000, 64, 'linkMbps'],
    [Number.NaN, 64, 'linkMbps'],
    [10_000, 0, 'frameSize'],
    [10_000, 64.5, 'frameSize'],
  ])('refuses link %d Mbit/s with frames of %d bytes, naming %s', (link, size, field) => {
    expect(() => lineRatePps(link, size)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', details: { field } }) as Error,
    );
  });
});
