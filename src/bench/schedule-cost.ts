import { schedule } from '../core/scheduler/schedule.js';
import type { CandidateHost, ScheduleRequest } from '../core/scheduler/types.js';
import { round, summarize, timeIt } from './stats.js';

/**
 * The scheduler alone (no database), at `hosts` hosts with `pfs` PFs each:
 * how its work grows with the number of VFs asked for on distinct PFs
 * (linear: each port takes the best PF left, no search over combinations).
 */
export async function scheduleCost(hosts: number, pfs: number) {
  const fleet: CandidateHost[] = Array.from({ length: hosts }, (_, h) => ({
    id: `host${h}`,
    labels: {},
    ready: true,
    healthy: true,
    freeMemoryMb: 1 << 20,
    numaNodes: [
      { node: 0, socket: 0, freeCpus: 64 },
      { node: 1, socket: 1, freeCpus: 64 },
    ],
    pfs: Array.from({ length: pfs }, (_, p) => ({
      id: h * pfs + p,
      pciAddress: `0000:${(16 + p).toString(16)}:00.0`,
      numaNode: p % 2,
      // Uneven free counts, so weighing has something to compare.
      free: [{ physnet: 'p1', trusted: false, count: 1 + ((h * 7 + p * 13) % 64) }],
    })),
  }));
  const request = (k: number): ScheduleRequest => ({
    vcpus: 1,
    memoryMb: 256,
    numaPolicy: 'legacy',
    hostLabels: {},
    ports: Array.from({ length: k }, () => ({ physnet: 'p1', trusted: false })),
    distinctPfs: true,
  });
  const out: Record<string, number> = {};
  for (const k of [1, 2, 4, 8]) {
    const times: number[] = [];
    for (let i = 0; i < 15; i++) {
      times.push(
        await timeIt(() => {
          const r = schedule(fleet, request(k), 'pack');
          if (!r.ok) throw new Error(`schedule found no host for ${k} VFs`);
          return Promise.resolve();
        }),
      );
    }
    out[`${k}VfsMedianMs`] = summarize(times).medianMs;
  }
  return {
    hosts,
    pfsPerHost: pfs,
    ...out,
    ratio8to1: round((out['8VfsMedianMs'] ?? 0) / (out['1VfsMedianMs'] ?? 1)),
  };
}
