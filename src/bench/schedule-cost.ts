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
    cordoned: false,
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
      free: [{ physnet: 'p1', trusted: false, netdev: false, count: 1 + ((h * 7 + p * 13) % 64) }],
    })),
  }));
  const request = (k: number): ScheduleRequest => ({
    vcpus: 1,
    memoryMb: 256,
    // The PFs sit on both NUMA nodes: distinct PFs for 8 VFs span them.
    numaPolicy: 'preferred',
    hostLabels: {},
    ports: Array.from({ length: k }, () => ({ physnet: 'p1', trusted: false })),
    distinctPfs: true,
  });
  const time = async (k: number, limit: number) => {
    const times: number[] = [];
    for (let i = 0; i < 15; i++) {
      times.push(
        await timeIt(() => {
          const r = schedule(fleet, request(k), 'pack', limit);
          if (!r.ok) throw new Error(`schedule found no host for ${k} VFs`);
          return Promise.resolve();
        }),
      );
    }
    return summarize(times).medianMs;
  };
  // As the controller calls it (the best 3 placements), and ranking every host.
  const firstThree: Record<string, number> = {};
  const allHosts: Record<string, number> = {};
  for (const k of [1, 2, 4, 8].filter((k) => k <= pfs)) {
    firstThree[`${k}Vfs`] = await time(k, 3);
    allHosts[`${k}Vfs`] = await time(k, Infinity);
  }
  return {
    hosts,
    pfsPerHost: pfs,
    medianMsBest3: firstThree,
    medianMsRankAll: allHosts,
    ratio8to1RankAll: round((allHosts['8Vfs'] ?? 0) / (allHosts['1Vfs'] ?? 1)),
  };
}
