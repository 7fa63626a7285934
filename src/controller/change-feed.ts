/**
 * Wakes long-polling agents when their host's desired state changes. In one
 * process this is immediate; controllers sharing one PostgreSQL also tell
 * each other through `signals` (LISTEN/NOTIFY, adapters/store/pg-signals.ts),
 * and a waiter still re-reads the store now and then (config.feedPollMs)
 * in case a notice was lost.
 */
export interface ChangeFeed {
  notify(hostId: string): void;
  /** Resolves on the next notify for the host (true), or after `ms` or on abort (false). */
  wait(hostId: string, ms: number, signal?: AbortSignal): Promise<boolean>;
}

/** How the feed reaches the other controller processes (none on the embedded store). */
export interface FeedSignals {
  publish(hostId: string): void;
  /** `onHost(null)`: notices may have been missed; every waiter should look again. */
  subscribe(onHost: (hostId: string | null) => void): void;
}

export function createChangeFeed(signals?: FeedSignals): ChangeFeed {
  const waiters = new Map<string, Set<() => void>>();
  const wake = (hostId: string) => {
    const set = waiters.get(hostId);
    if (!set) return;
    waiters.delete(hostId);
    for (const w of set) w();
  };
  signals?.subscribe((hostId) => {
    if (hostId !== null) wake(hostId);
    else for (const id of [...waiters.keys()]) wake(id);
  });
  return {
    notify(hostId) {
      wake(hostId);
      signals?.publish(hostId);
    },
    wait(hostId, ms, signal) {
      // Already ended: no timer may be left behind to hold the process (shutdown waits for it).
      if (signal?.aborted === true) return Promise.resolve(false);
      return new Promise((resolve) => {
        const set = waiters.get(hostId) ?? new Set();
        waiters.set(hostId, set);
        const finish = (notified: boolean) => {
          clearTimeout(timer);
          set.delete(woken);
          if (set.size === 0 && waiters.get(hostId) === set) waiters.delete(hostId);
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
}
