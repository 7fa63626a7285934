import { describe, expect, it } from 'vitest';
import type { CandidateHost } from '../core/scheduler/types.js';
import { startHarness } from '../testing/controller-harness.js';
import { applyDesired, basicCatalog, joinHost } from '../testing/fleet-sim.js';
import { createCandidateCache } from './candidate-cache.js';

const host = (free: number): CandidateHost => ({
  id: 'h1',
  labels: {},
  ready: true,
  healthy: true,
  freeMemoryMb: null,
  numaNodes: [],
  pfs: [
    {
      id: 1,
      pciAddress: '0000:10:00.0',
      numaNode: 0,
      free: [{ physnet: 'p1', trusted: false, count: free }],
    },
  ],
});

/** A store whose reads are counted and can be held open. */
function fakeClaims(free: () => number) {
  const s = { reads: 0, hold: null as Promise<void> | null };
  return {
    s,
    claims: {
      async candidates() {
        s.reads++;
        const n = free();
        if (s.hold) await s.hold;
        return [host(n)];
      },
    },
  };
}

const count = (hosts: readonly CandidateHost[]) => hosts[0]?.pfs[0]?.free[0]?.count;
const placement = {
  hostId: 'h1',
  numaNode: null,
  ports: [{ pfId: 1, physnet: 'p1', vfTrusted: false }],
};

describe('createCandidateCache', () => {
  it('reads at most every maxAgeMs, follows its own claims, reads again when told', async () => {
    let t = 0;
    let free = 5;
    const { s, claims } = fakeClaims(() => free);
    const cache = createCandidateCache(claims, 1000, () => t);
    expect((await cache.get(['p1'], '')).readAt).toBe(0);
    cache.claimed(placement, 1, 1);
    free = 4;
    expect([count((await cache.get(['p1'], '')).hosts), s.reads]).toEqual([4, 1]);
    t = 500;
    // A snapshot read before `since` does not do.
    expect((await cache.get(['p1'], '', 500)).readAt).toBe(500);
    t = 1600;
    expect((await cache.get(['p1'], '')).readAt).toBe(1600);
    cache.invalidate();
    await cache.get(['p1'], '');
    // Another physnet set is another snapshot.
    await cache.get(['p2', 'p1'], '');
    expect(s.reads).toBe(5);
  });

  it('shares a read under way unless it began too early, and keeps no read a loss overtook', async () => {
    let t = 0;
    const { s, claims } = fakeClaims(() => 3);
    const cache = createCandidateCache(claims, 60_000, () => t);
    let release: () => void = () => undefined;
    s.hold = new Promise<void>((r) => {
      release = r;
    });
    const first = cache.get(['p1'], '');
    t = 10;
    const joined = cache.get(['p1'], '');
    const later = cache.get(['p1'], '', 5);
    cache.invalidate();
    s.hold = null;
    release();
    expect(await joined).toBe(await first);
    expect((await later).readAt).toBe(10);
    expect(s.reads).toBe(2);
    // Both reads began before the loss: neither is kept.
    expect((await cache.get(['p1'], '')).readAt).toBe(10);
    expect(s.reads).toBe(3);
  });
});

describe('scheduling on a cached snapshot', () => {
  it('never answers NO_CAPACITY from a snapshot older than the request', async () => {
    const h = await startHarness('pglite', { candidateMaxAgeMs: 60_000 });
    try {
      await basicCatalog(h, 1);
      const agent = await joinHost(h, { name: 'n1', pfs: 1, vfsPerPf: 1 });
      const vm = (i: number) => ({
        name: `vm${i}`,
        vcpus: 1,
        memoryMb: 1,
        tenant: 'acme',
        ports: [{ network: 'blue' }],
      });
      const first = await h.call('POST', '/v1/instances', h.admin, vm(1));
      expect(first.status).toBe(201);
      expect((await h.call('POST', '/v1/instances', h.admin, vm(2))).status).toBe(409);
      // Released and reset by the agent: the cached snapshot still says full, the store does not.
      expect(
        (await h.call('DELETE', `/v1/instances/${String(first.body.id)}`, h.admin)).status,
      ).toBe(204);
      await applyDesired(h, agent, 'n1');
      expect((await h.call('POST', '/v1/instances', h.admin, vm(3))).status).toBe(201);
    } finally {
      await h.close();
    }
  }, 60_000);
});
