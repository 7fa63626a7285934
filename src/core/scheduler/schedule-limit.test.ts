import { describe, expect, it } from 'vitest';
import { seededRandom } from '../seeded-random.js';
import { NUMA_POLICIES } from '../vocabulary.js';
import { schedule } from './schedule.js';
import type { CandidateHost, ScheduleRequest } from './types.js';

function randomFleet(r: () => number): CandidateHost[] {
  const int = (n: number) => Math.floor(r() * n);
  return Array.from({ length: 1 + int(30) }, (_, h) => ({
    id: `h${h}`,
    labels: int(3) === 0 ? { rack: 'r1' } : {},
    ready: int(10) > 0,
    healthy: int(10) > 0,
    cordoned: false,
    freeMemoryMb: int(4) === 0 ? null : int(8192),
    numaNodes: Array.from({ length: int(3) }, (_, n) => ({ node: n, socket: n, freeCpus: int(8) })),
    pfs: Array.from({ length: int(5) }, (_, p) => ({
      id: h * 10 + p,
      pciAddress: `0000:${(16 + p).toString(16)}:00.0`,
      numaNode: int(3) === 0 ? null : int(2),
      free: [
        { physnet: 'p1', trusted: false, netdev: false, count: int(4) },
        { physnet: int(2) === 0 ? 'p1' : 'p2', trusted: true, netdev: false, count: int(3) },
      ],
    })),
  }));
}

function randomRequest(r: () => number): ScheduleRequest {
  const int = (n: number) => Math.floor(r() * n);
  return {
    vcpus: 1 + int(4),
    memoryMb: int(4096),
    numaPolicy: NUMA_POLICIES[int(NUMA_POLICIES.length)] ?? 'legacy',
    hostLabels: int(4) === 0 ? { rack: 'r1' } : {},
    ports: Array.from({ length: int(5) }, () => ({
      physnet: int(4) === 0 ? 'p2' : 'p1',
      trusted: int(4) === 0,
    })),
    distinctPfs: int(2) === 0,
  };
}

describe('schedule with a limit', () => {
  it('answers the same first placements (or the same refusal) as without it, on 2,000 random fleets', () => {
    const r = seededRandom(20301);
    let placed = 0;
    for (let i = 0; i < 2000; i++) {
      const hosts = randomFleet(r);
      const req = randomRequest(r);
      const weigher = r() < 0.5 ? 'pack' : 'spread';
      const limit = 1 + Math.floor(r() * 4);
      const all = schedule(hosts, req, weigher);
      const some = schedule(hosts, req, weigher, limit);
      if (all.ok) {
        placed++;
        expect(some).toEqual({ ok: true, placements: all.placements.slice(0, limit) });
      } else expect(some).toEqual(all);
    }
    // Both outcomes were exercised plenty.
    expect(placed).toBeGreaterThan(200);
    expect(placed).toBeLessThan(1800);
  });
});
