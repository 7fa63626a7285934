import type { ClaimStore } from '../core/fleet/claim-store.js';
import type { StoreNotices } from '../core/fleet/store.js';
import { createFleetIndex } from '../core/scheduler/fleet-index.js';
import { scheduleOrdered } from '../core/scheduler/schedule.js';
import { hostAfter } from '../core/scheduler/snapshot.js';
import type {
  CandidateHost,
  Placement,
  ScheduleRequest,
  ScheduleResult,
  Weigher,
} from '../core/scheduler/types.js';

/** Hosts re-read per query when notices name many at once. */
const BATCH = 500;
/** Notices are gathered this long before their hosts are re-read (one query for a burst). */
const GATHER_MS = 2;
/** A barrier that has not come back by then: the listener is lost; the whole fleet is re-read. */
const BARRIER_MS = 5_000;
/** Hosts looked at for a NUMA-local placement once enough others are found (schedule.ts). */
const LOOKAHEAD = 64;
/** Sightings a little older than the newest one read are read again (controllers' clocks differ). */
const SEEN_MARGIN_MS = 2_000;

/**
 * The scheduler's view of the fleet, in memory: read whole once at start,
 * then kept current from the store's notices (`sched:HOST`, published by the
 * database on commit: fleet-view notices in schema 0016), re-reading only
 * the hosts they name, a burst of them in one query. This controller's own
 * claims are applied at once. No request reads the whole fleet.
 *
 * A view may lag by a notice in flight; it never decides alone. Claims
 * re-check every VF under row locks (a lag costs a lost claim, and the
 * host is re-read), and NO_CAPACITY is answered only after `fresh()`: a
 * notice sent through the database and come back, so every commit before
 * the request is in the view. Heartbeats (last_seen) notify nothing: a
 * sweep reads the hosts seen since its last look every `seenEveryMs`, and
 * `fresh()` does too.
 */
export interface FleetView {
  readonly size: number;
  /** The few best placements for `req`, walking hosts best first (scheduleOrdered). */
  place(
    req: ScheduleRequest,
    weigher: Weigher,
    staleBefore: string,
    limit: number,
    random?: () => number,
  ): ScheduleResult;
  /** Every host as a request on `physnets` sees it, best first (live migration's choice). */
  ordered(physnets: readonly string[], weigher: Weigher, staleBefore: string): CandidateHost[];
  /** Resolves once every change committed before the call is in the view. */
  fresh(): Promise<void>;
  /** One of our claims won: its VFs, vCPUs and memory are no longer free. */
  claimed(placement: Placement, vcpus: number, memoryMb: number): void;
  /** A claim on the host lost a race: the view is wrong there; read it again. */
  recheck(hostId: string): void;
  /** Resolves once the hosts named so far (notices, rechecks) are read again. */
  caughtUp(): Promise<void>;
  close(): void;
}

export interface FleetViewOptions {
  readonly claims: Pick<ClaimStore, 'viewHosts' | 'seenSince'>;
  readonly notices: StoreNotices;
  /** The controller's clock (sightings are written with it). */
  readonly now: () => number;
  readonly seenEveryMs: number;
  readonly log: (line: string) => void;
  /** Names this view's barriers apart from other controllers' (any unique text). */
  readonly id: string;
}

export async function startFleetView(o: FleetViewOptions): Promise<FleetView> {
  const index = createFleetIndex();
  const dirty = new Set<string>();
  const barriers = new Map<string, () => void>();
  let flushing: Promise<void> | null = null;
  let reloading: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let barrierCount = 0;
  let seenMark = new Date(o.now()).toISOString();
  let closed = false;

  const readSeen = async () => {
    const since = new Date(Date.parse(seenMark) - SEEN_MARGIN_MS).toISOString();
    for (const s of await o.claims.seenSince(since)) {
      index.seen(s.id, s.lastSeen, s.healthy);
      if (s.lastSeen > seenMark) seenMark = s.lastSeen;
    }
  };
  const reload = () => {
    reloading ??= (async () => {
      try {
        // Notices from now on are re-read after it: none is lost in between.
        dirty.clear();
        const all = await o.claims.viewHosts(null);
        index.replaceAll(all);
        for (const h of all)
          if (h.lastSeen !== null && h.lastSeen > seenMark) seenMark = h.lastSeen;
      } finally {
        reloading = null;
      }
    })();
    return reloading;
  };
  const flushAll = async () => {
    // Not beside a whole read: an older whole read could land after a newer host.
    await reloading;
    while (dirty.size > 0) {
      const ids = [...dirty].slice(0, BATCH);
      for (const id of ids) dirty.delete(id);
      const read = new Map((await o.claims.viewHosts(ids)).map((h) => [h.host.id, h]));
      for (const id of ids) index.put(id, read.get(id) ?? null);
    }
  };
  const flush = () => {
    flushing ??= flushAll()
      .catch((e: unknown) => {
        o.log(`fleet view: re-reading hosts failed (${String(e)}); re-reading the fleet`);
        return reload();
      })
      .finally(() => {
        flushing = null;
        if (dirty.size > 0) later();
      });
    return flushing;
  };
  const later = () => {
    if (timer !== null || closed) return;
    timer = setTimeout(() => {
      timer = null;
      void flush().catch(() => undefined);
    }, GATHER_MS);
    timer.unref();
  };
  const settle = async () => {
    await reloading;
    while (flushing !== null || dirty.size > 0) await flush();
  };

  await o.notices.listen((key) => {
    if (closed) return;
    // `sched:*`: an allocation rule changed, so may every host's capacity: a whole read.
    if (key === null || key === 'sched:*') {
      void reload().catch((e: unknown) => {
        o.log(`fleet view: re-reading the fleet failed (${String(e)})`);
      });
    } else if (key.startsWith('sched:')) {
      dirty.add(key.slice('sched:'.length));
      later();
    } else if (key.startsWith('sync:')) {
      barriers.get(key)?.();
    }
  });
  await reload();
  const sweep = setInterval(() => {
    readSeen().catch((e: unknown) => {
      o.log(`fleet view: reading heartbeats failed (${String(e)})`);
    });
  }, o.seenEveryMs);
  sweep.unref();

  const view: FleetView = {
    get size() {
      return index.size;
    },
    place(req, weigher, staleBefore, limit, random) {
      const physnets = [...new Set(req.ports.map((p) => p.physnet))];
      const hosts = index.ordered(physnets, weigher, staleBefore, req.ports.length);
      return scheduleOrdered(hosts, index.size, req, { limit, random, lookahead: LOOKAHEAD });
    },
    ordered: (physnets, weigher, staleBefore) => [
      ...index.ordered(physnets, weigher, staleBefore, 0),
    ],
    async fresh() {
      const key = `sync:${o.id}:${String(++barrierCount)}`;
      let timeout: NodeJS.Timeout | undefined;
      const back = new Promise<boolean>((resolve) => {
        barriers.set(key, () => {
          resolve(true);
        });
        timeout = setTimeout(() => {
          resolve(false);
        }, BARRIER_MS);
      });
      try {
        await o.notices.publish(key);
        // Lost on the way: notices may be lost too; only a whole read is sure.
        if (!(await back)) await reload();
      } finally {
        clearTimeout(timeout);
        barriers.delete(key);
      }
      await settle();
      await readSeen();
    },
    claimed(placement, vcpus, memoryMb) {
      const h = index.get(placement.hostId);
      if (h === undefined) return;
      index.put(placement.hostId, { ...h, host: hostAfter(h.host, placement, vcpus, memoryMb) });
    },
    recheck(hostId) {
      dirty.add(hostId);
      later();
    },
    caughtUp: settle,
    close() {
      closed = true;
      clearInterval(sweep);
      if (timer !== null) clearTimeout(timer);
    },
  };
  return view;
}
