import { describe, expect, it } from 'vitest';
import { schedule } from './schedule.js';
import { afterClaim } from './snapshot.js';
import type { CandidateHost } from './types.js';

const host = (id: string, free: number[]): CandidateHost => ({
  id,
  labels: {},
  ready: true,
  healthy: true,
  cordoned: false,
  freeMemoryMb: 4096,
  numaNodes: [
    { node: 0, socket: 0, freeCpus: 8 },
    { node: 1, socket: 1, freeCpus: 8 },
  ],
  pfs: free.map((count, i) => ({
    id: Number(id.slice(1)) * 10 + i,
    pciAddress: `0000:1${i}:00.0`,
    numaNode: i % 2,
    free: [
      { physnet: 'p1', trusted: false, netdev: false, count },
      { physnet: 'p1', trusted: true, netdev: false, count: 1 },
    ],
  })),
});

describe('afterClaim', () => {
  it('takes the placed VFs, vCPUs and memory off that host only', () => {
    const hosts = [host('h1', [3, 2]), host('h2', [5, 5])];
    const placement = {
      hostId: 'h1',
      numaNode: 1,
      ports: [
        { pfId: 10, physnet: 'p1', vfTrusted: false },
        { pfId: 10, physnet: 'p1', vfTrusted: false },
        { pfId: 11, physnet: 'p1', vfTrusted: true },
      ],
    };
    const after = afterClaim(hosts, placement, 3, 1000);
    expect(after[1]).toBe(hosts[1]);
    expect(after[0]?.freeMemoryMb).toBe(3096);
    expect(after[0]?.numaNodes.map((n) => n.freeCpus)).toEqual([8, 5]);
    expect(after[0]?.pfs.map((pf) => pf.free.map((g) => g.count))).toEqual([
      [1, 1],
      [2, 0],
    ]);
    // The input is left as it was: other requests may still be reading it.
    expect(hosts[0]?.pfs[0]?.free[0]?.count).toBe(3);
  });

  it('lets a scheduler on a cached snapshot hand out each free VF once, then say no', () => {
    // 1 untrusted + 2 trusted VFs; an untrusted port takes a trusted VF when no other is left.
    let hosts = [host('h1', [1, 0])];
    const req = {
      vcpus: 1,
      memoryMb: 1,
      numaPolicy: 'preferred' as const,
      hostLabels: {},
      ports: [{ physnet: 'p1', trusted: false }],
      distinctPfs: false,
    };
    const given: string[] = [];
    for (let r = schedule(hosts, req, 'pack'); r.ok; r = schedule(hosts, req, 'pack')) {
      const p = r.placements[0];
      if (p === undefined || given.length > 10) throw new Error('runaway');
      given.push(`${p.ports[0]?.pfId ?? '?'}/${String(p.ports[0]?.vfTrusted)}`);
      hosts = afterClaim(hosts, p, 1, 1);
    }
    expect(given[0]).toBe('10/false');
    expect([...given].sort()).toEqual(['10/false', '10/true', '11/true']);
  });
});
