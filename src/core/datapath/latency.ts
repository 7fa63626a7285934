import { VfleetError } from '../errors.js';
import type { LatencySummary } from './datapath-report.js';

function sortedSamples(samplesUs: readonly number[]): number[] {
  samplesUs.forEach((s, i) => {
    // A negative or missing latency is a broken probe or parser; averaging it
    // away would hide that, so it is refused.
    if (!Number.isFinite(s) || s < 0) {
      throw new VfleetError('INVALID_INPUT', `latency sample ${String(s)} is not a duration`, {
        field: `samplesUs[${String(i)}]`,
      });
    }
  });
  return samplesUs.toSorted((a, b) => a - b);
}

/**
 * The p-th percentile (0 < p <= 100) of ascending samples by the nearest-rank
 * method: the smallest sample with at least p% of the samples at or below it.
 * It is always a measured value, never an interpolation between two, so a
 * p99 of 100 samples is the 99th smallest and p100 the maximum.
 */
export function nearestRank(sortedUs: readonly number[], p: number): number | null {
  if (!(p > 0 && p <= 100)) {
    throw new VfleetError('INVALID_INPUT', `percentile ${String(p)} is not in (0, 100]`, {
      field: 'percentile',
    });
  }
  if (sortedUs.length === 0) return null;
  const rank = Math.ceil((p / 100) * sortedUs.length);
  return sortedUs[Math.max(1, rank) - 1] ?? null;
}

/** Percentiles of latency samples taken at `atPps`; null when no probe came back. */
export function summarizeLatency(
  samplesUs: readonly number[],
  atPps: number,
): LatencySummary | null {
  const sorted = sortedSamples(samplesUs);
  const at = (p: number) => nearestRank(sorted, p);
  const [p50Us, p90Us, p99Us, maxUs] = [at(50), at(90), at(99), at(100)];
  if (p50Us === null || p90Us === null || p99Us === null || maxUs === null) return null;
  return { p50Us, p90Us, p99Us, maxUs, samples: sorted.length, atPps };
}

/**
 * Buckets on a 1-2-5 series from 1 µs to 1 s: even steps on a log axis, the
 * scale between a VF's few microseconds and an emulated NIC's milliseconds.
 */
export const LATENCY_BUCKETS_US: readonly number[] = Array.from({ length: 19 }, (_, i) => {
  const step = [1, 2, 5][i % 3] ?? 1;
  return step * 10 ** Math.floor(i / 3);
});

export interface LatencyHistogram {
  /** Bucket i holds the samples above bound i−1 and at most bound i (Prometheus's `le`). */
  readonly upperBoundsUs: readonly number[];
  readonly counts: readonly number[];
  /** Samples above the last bound. */
  readonly overflow: number;
}

/** Sample counts per bucket, for a latency chart. */
export function latencyHistogram(
  samplesUs: readonly number[],
  upperBoundsUs: readonly number[] = LATENCY_BUCKETS_US,
): LatencyHistogram {
  const ascending = upperBoundsUs.every((b, i) => i === 0 || b > (upperBoundsUs[i - 1] ?? b));
  if (upperBoundsUs.length === 0 || !ascending) {
    throw new VfleetError('INVALID_INPUT', 'histogram bounds must be ascending and not empty', {
      field: 'upperBoundsUs',
    });
  }
  const counts = upperBoundsUs.map(() => 0);
  let overflow = 0;
  for (const s of sortedSamples(samplesUs)) {
    const i = upperBoundsUs.findIndex((b) => s <= b);
    if (i === -1) overflow += 1;
    else counts[i] = (counts[i] ?? 0) + 1;
  }
  return { upperBoundsUs, counts, overflow };
}
