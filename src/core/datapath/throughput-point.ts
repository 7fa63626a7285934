import type { ThroughputPoint } from './datapath-report.js';
import { wireMbps } from './line-rate.js';
import type { SearchResult } from './throughput-search.js';

/**
 * A search's result as the report's point. The rate is rounded down to
 * whole frames per second: a trial's rate may be the generator's achieved
 * rate, a fraction, and the report never rounds a claim upwards.
 */
export function throughputPoint(frameSize: number, result: SearchResult): ThroughputPoint {
  const ratePps = Math.floor(result.ratePps);
  return {
    frameSize,
    ratePps,
    mbps: wireMbps(ratePps, frameSize),
    trials: result.trials,
    lossRatioAtRate: result.lossRatioAtRate,
    generatorLimited: result.generatorLimited,
  };
}
