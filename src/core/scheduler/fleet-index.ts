import type { CandidateHost, CandidatePf, ViewHost, Weigher } from './types.js';

export type { ViewHost };

/**
 * The fleet in memory, ordered for the weighers without sorting it per
 * request: per set of physnets asked for, hosts are kept in buckets by their
 * free devices on those physnets (the weighers' score), each bucket in host
 * id order. A change to one host moves it between two buckets; a request
 * walks buckets from the best end and stops as soon as the scheduler has
 * its few placements, so its cost follows the hosts it looks at, not the
 * fleet (ties stay in id order, as a stable sort of the id-ordered fleet).
 */
export interface FleetIndex {
  readonly size: number;
  /** Every host at once (the view's first read, or a re-read after lost notices). */
  replaceAll(hosts: readonly ViewHost[]): void;
  /** One host's new facts; `null` removes it. */
  put(id: string, host: ViewHost | null): void;
  /** A heartbeat the view's sweep read: only when and whether the agent was seen. */
  seen(id: string, lastSeen: string | null, healthy: boolean): void;
  get(id: string): ViewHost | undefined;
  /**
   * Hosts best first for `weigher` on `physnets`: first those with at least
   * `minFree` free devices there (fewer cannot hold the request), then the
   * rest (so a scheduler that walks to the end still counts every host).
   * `healthy` is the agent's flag and a sighting at or after `staleBefore`.
   */
  ordered(
    physnets: readonly string[],
    weigher: Weigher,
    staleBefore: string,
    minFree: number,
  ): Iterable<CandidateHost>;
}

/** Hosts of one physnet set, bucketed by score. */
interface Ordering {
  readonly physnets: ReadonlySet<string>;
  readonly scoreOf: Map<string, number>;
  readonly buckets: Map<number, string[]>;
  /** The buckets' scores, ascending. */
  scores: number[];
}

export function createFleetIndex(): FleetIndex {
  const hosts = new Map<string, ViewHost>();
  const orderings = new Map<string, Ordering>();

  const add = (o: Ordering, id: string, h: CandidateHost) => {
    const score = scoreOn(h.pfs, o.physnets);
    o.scoreOf.set(id, score);
    let bucket = o.buckets.get(score);
    if (bucket === undefined) {
      bucket = [];
      o.buckets.set(score, bucket);
      o.scores.splice(lowerBound(o.scores, score), 0, score);
    }
    bucket.splice(lowerBound(bucket, id), 0, id);
  };
  const drop = (o: Ordering, id: string) => {
    const score = o.scoreOf.get(id);
    if (score === undefined) return;
    o.scoreOf.delete(id);
    const bucket = o.buckets.get(score);
    if (bucket === undefined) return;
    const at = lowerBound(bucket, id);
    if (bucket[at] === id) bucket.splice(at, 1);
    if (bucket.length === 0) {
      o.buckets.delete(score);
      o.scores.splice(lowerBound(o.scores, score), 1);
    }
  };
  const orderingFor = (physnets: readonly string[]): Ordering => {
    const key = [...new Set(physnets)].sort().join('\n');
    let o = orderings.get(key);
    if (o === undefined) {
      o = { physnets: new Set(physnets), scoreOf: new Map(), buckets: new Map(), scores: [] };
      const ids = [...hosts.keys()].sort();
      for (const id of ids) {
        const h = hosts.get(id);
        if (h !== undefined) add(o, id, h.host);
      }
      orderings.set(key, o);
    }
    return o;
  };

  return {
    get size() {
      return hosts.size;
    },
    replaceAll(all) {
      hosts.clear();
      orderings.clear();
      for (const h of all) hosts.set(h.host.id, h);
    },
    put(id, h) {
      for (const o of orderings.values()) drop(o, id);
      if (h === null) {
        hosts.delete(id);
        return;
      }
      hosts.set(id, h);
      for (const o of orderings.values()) add(o, id, h.host);
    },
    seen(id, lastSeen, healthy) {
      const h = hosts.get(id);
      if (h === undefined || (h.lastSeen === lastSeen && h.host.healthy === healthy)) return;
      // Health and sightings do not move a host between buckets.
      hosts.set(id, { host: { ...h.host, healthy }, lastSeen });
    },
    get: (id) => hosts.get(id),
    *ordered(physnets, weigher, staleBefore, minFree) {
      const o = orderingFor(physnets);
      const scores = weigher === 'pack' ? o.scores : [...o.scores].reverse();
      const at = (score: number) => o.buckets.get(score) ?? [];
      const asSeen = (id: string): CandidateHost | null => {
        const h = hosts.get(id);
        if (h === undefined) return null;
        const fresh = h.lastSeen !== null && h.lastSeen >= staleBefore;
        return h.host.healthy && !fresh ? { ...h.host, healthy: false } : h.host;
      };
      // Copies: the caller may claim (and so move hosts) while it walks.
      for (const pass of [true, false]) {
        for (const score of scores) {
          if (score >= minFree !== pass) continue;
          for (const id of [...at(score)]) {
            const h = asSeen(id);
            if (h !== null) yield h;
          }
        }
      }
    },
  };
}

/** Free VFs and whole PFs on these physnets only: the weighers' score for a request. */
function scoreOn(pfs: readonly CandidatePf[], physnets: ReadonlySet<string>): number {
  let n = 0;
  for (const pf of pfs) {
    if (pf.whole !== undefined && physnets.has(pf.whole.physnet)) n++;
    for (const g of pf.free) if (physnets.has(g.physnet)) n += g.count;
  }
  return n;
}

/** First index whose item is not below `x` (items ascending). */
function lowerBound<T>(items: readonly T[], x: T): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = items[mid] as T;
    if (v < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
