import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFleetIndex } from './fleet-index.js';
import type { CandidateHost, ViewHost } from './types.js';

const host = (id: string, free: Record<string, number>, seen = '2030-01-01T00:00:00.000Z') =>
  ({
    lastSeen: seen,
    host: {
      id,
      labels: {},
      ready: true,
      healthy: true,
      cordoned: false,
      freeMemoryMb: null,
      numaNodes: [],
      pfs: Object.entries(free).map(([physnet, count], i) => ({
        id: i,
        pciAddress: `0000:1${String(i)}:00.0`,
        numaNode: 0,
        free: [{ physnet, trusted: false, netdev: false, count }],
      })),
    },
  }) satisfies ViewHost;

const ids = (hosts: Iterable<CandidateHost>) => [...hosts].map((h) => h.id);
const STALE_BEFORE = '2029-12-31T23:58:00.000Z';

describe('the fleet index', () => {
  it('orders hosts as a stable sort of the id-ordered fleet by free devices on the physnets', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(6), fc.nat(6)), { minLength: 1, maxLength: 30 }),
        fc.array(fc.tuple(fc.nat(29), fc.nat(6)), { maxLength: 10 }),
        fc.constantFrom('pack' as const, 'spread' as const),
        (frees, moves, weigher) => {
          const fleet = frees.map(([a, b], i) =>
            host(`h${String(i).padStart(2, '0')}`, { red: a, blue: b }),
          );
          const index = createFleetIndex();
          index.replaceAll(fleet);
          // Built before the moves: kept in order by put(), not rebuilt.
          expect(ids(index.ordered(['red'], weigher, STALE_BEFORE, 0))).toHaveLength(fleet.length);
          for (const [at, n] of moves) {
            const h = fleet[at % fleet.length];
            if (h === undefined) continue;
            const moved = host(h.host.id, { red: n, blue: 1 });
            fleet[at % fleet.length] = moved;
            index.put(h.host.id, moved);
          }
          const score = (h: ViewHost) =>
            h.host.pfs
              .flatMap((pf) => pf.free)
              .filter((g) => g.physnet === 'red')
              .reduce((s, g) => s + g.count, 0);
          const sign = weigher === 'pack' ? 1 : -1;
          const expected = [...fleet]
            .sort((a, b) => (a.host.id < b.host.id ? -1 : 1))
            .sort((a, b) => sign * (score(a) - score(b)))
            .map((h) => h.host.id);
          expect(ids(index.ordered(['red'], weigher, STALE_BEFORE, 0))).toEqual(expected);
        },
      ),
    );
  });

  it('puts hosts that cannot hold the request last, and drops removed ones', () => {
    const index = createFleetIndex();
    index.replaceAll([host('a', { red: 0 }), host('b', { red: 3 }), host('c', { red: 1 })]);
    expect(ids(index.ordered(['red'], 'pack', STALE_BEFORE, 2))).toEqual(['b', 'a', 'c']);
    index.put('b', null);
    expect(ids(index.ordered(['red'], 'pack', STALE_BEFORE, 2))).toEqual(['a', 'c']);
    expect(index.size).toBe(2);
  });

  it('judges staleness per request from the last sighting, which the sweep moves', () => {
    const index = createFleetIndex();
    index.replaceAll([host('a', { red: 1 }, '2029-12-31T23:00:00.000Z')]);
    const healthy = () => [...index.ordered(['red'], 'pack', STALE_BEFORE, 0)][0]?.healthy;
    expect(healthy()).toBe(false);
    index.seen('a', '2030-01-01T00:00:00.000Z', true);
    expect(healthy()).toBe(true);
    index.seen('a', '2030-01-01T00:00:00.000Z', false);
    expect(healthy()).toBe(false);
  });
});
