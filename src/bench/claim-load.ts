import { quantile, round } from './stats.js';

export interface LoadResult {
  readonly clients: number;
  readonly requests: number;
  readonly claimed: number;
  readonly failed: Record<string, number>;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly claimsPerSecond: number;
  readonly wallSeconds: number;
}

/**
 * `clients` loops each sending POST /v1/instances one after the other over
 * loopback, until `perClient` requests each or `maxMs` overall. Latency is
 * per request as the client sees it (schedule + claim + answer); claims per
 * second = 201 answers over the phase's wall time.
 */
export async function claimLoad(
  url: string,
  token: string,
  o: {
    clients: number;
    perClient: number;
    maxMs: number;
    body: (n: number) => unknown;
  },
): Promise<LoadResult> {
  const latencies: number[] = [];
  const failed: Record<string, number> = {};
  let claimed = 0;
  let next = 0;
  const t0 = performance.now();
  const client = async () => {
    for (let i = 0; i < o.perClient && performance.now() - t0 < o.maxMs; i++) {
      const started = performance.now();
      const res = await fetch(`${url}/v1/instances`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(o.body(next++)),
      });
      const data = (await res.json()) as { code?: string };
      latencies.push(performance.now() - started);
      if (res.status === 201) claimed++;
      else {
        const key = `${res.status} ${data.code ?? '?'}`;
        failed[key] = (failed[key] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: o.clients }, client));
  const wall = (performance.now() - t0) / 1000;
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    clients: o.clients,
    requests: latencies.length,
    claimed,
    failed,
    p50Ms: round(quantile(sorted, 0.5)),
    p99Ms: round(quantile(sorted, 0.99)),
    maxMs: round(sorted[sorted.length - 1] ?? 0),
    claimsPerSecond: round(claimed / wall),
    wallSeconds: round(wall),
  };
}
