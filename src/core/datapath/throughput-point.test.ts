import { describe, expect, it } from 'vitest';
import { throughputPoint } from './throughput-point.js';
import type { SearchResult } from './throughput-search.js';

const result: SearchResult = {
  ratePps: 14_880_952,
  lossRatioAtRate: 0,
  trials: 1,
  outcome: 'converged',
  generatorLimited: false,
  ceilingPps: 14_880_952,
  nonMonotonic: false,
};

describe('a throughput point', () => {
  it('gives line rate at 64 bytes as the link speed in wire Mbit/s', () => {
    const point = throughputPoint(64, result);
    expect(point).toMatchObject({ frameSize: 64, ratePps: 14_880_952, trials: 1 });
    expect(point.mbps).toBeCloseTo(9_999.999_744, 6);
  });

  it('rounds an achieved rate down, never claiming a frame more than was sent', () => {
    const point = throughputPoint(1518, { ...result, ratePps: 81_274.9, generatorLimited: true });
    expect(point).toMatchObject({ ratePps: 81_274, generatorLimited: true });
    expect(point.mbps).toBeCloseTo((81_274 * 1538 * 8) / 1e6, 9);
  });
});
