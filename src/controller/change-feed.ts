import type { StoreNotices } from '../core/fleet/store.js';

/**
 * Wakes long-polling agents (and other waiters) when what they wait for
 * changed. The store publishes the keys on commit (StoreNotices: its own
 * triggers, to every controller on the database), so no code path that
 * changes a host has to remember to wake it. Notices lost (the listener
 * reconnected) wake every waiter to read again.
 */
export interface ChangeFeed {
  /**
   * Wakes this process's waiters on `key` at once. Rarely needed: the
   * store's notices already do, on commit, in every process.
   */
  notify(key: string): void;
  /** Resolves on the next notice for the key (true), or after `ms` or on abort (false). */
  wait(key: string, ms: number, signal?: AbortSignal): Promise<boolean>;
  /**
   * A number that moves whenever a notice for `key` comes (or notices may
   * have been lost): what was read while it stayed put still holds
   * (notice-memo.ts).
   */
  mark(key: string): number;
  /**
   * The mark of the latest notice, whatever its key: a key whose mark is
   * above this afterwards heard a notice since (for a read that learns its
   * key only once it is done, token-cache.ts).
   */
  latest(): number;
}

/** A feed woken by the store's notices; resolves once they flow. */
export async function storeFeed(notices: StoreNotices): Promise<ChangeFeed> {
  const { feed, wake } = createChangeFeed();
  await notices.listen(wake);
  return feed;
}

/** A feed and its wake: `wake(null)` wakes every waiter (notices may have been lost). */
export function createChangeFeed(): { feed: ChangeFeed; wake: (key: string | null) => void } {
  const waiters = new Map<string, Set<() => void>>();
  // Notices counted; each key keeps the count at its last one (a number per key ever notified).
  let count = 0;
  let lost = 0;
  const marks = new Map<string, number>();
  const wakeKey = (key: string) => {
    marks.set(key, ++count);
    const set = waiters.get(key);
    if (!set) return;
    waiters.delete(key);
    for (const w of set) w();
  };
  const wake = (key: string | null) => {
    if (key !== null) wakeKey(key);
    else {
      lost = ++count;
      for (const k of [...waiters.keys()]) wakeKey(k);
    }
  };
  const feed: ChangeFeed = {
    notify: wakeKey,
    mark: (key) => Math.max(marks.get(key) ?? 0, lost),
    latest: () => count,
    wait(key, ms, signal) {
      // Already ended: no timer may be left behind to hold the process (shutdown waits for it).
      if (signal?.aborted === true) return Promise.resolve(false);
      return new Promise((resolve) => {
        const set = waiters.get(key) ?? new Set();
        waiters.set(key, set);
        const finish = (notified: boolean) => {
          clearTimeout(timer);
          set.delete(woken);
          if (set.size === 0 && waiters.get(key) === set) waiters.delete(key);
          signal?.removeEventListener('abort', ended);
          resolve(notified);
        };
        const woken = () => {
          finish(true);
        };
        const ended = () => {
          finish(false);
        };
        const timer = setTimeout(ended, ms);
        set.add(woken);
        signal?.addEventListener('abort', ended);
      });
    },
  };
  return { feed, wake };
}
