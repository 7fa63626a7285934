/** Median and percentiles of a list of timings (ms). */
export function summarize(samples: readonly number[]): {
  n: number;
  medianMs: number;
  p90Ms: number;
  minMs: number;
} {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
  return { n: s.length, medianMs: round(at(0.5)), p90Ms: round(at(0.9)), minMs: round(s[0] ?? 0) };
}

/** The q-quantile of ascending `sorted` (nearest rank): p99 of 100 samples is the 99th. */
export const quantile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;

export const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;

export async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}
