/**
 * Wakes long-polling agents when their host's desired state changes. In one
 * process this is immediate; with several controllers on one PostgreSQL a
 * waiter also re-reads the store now and then (see routes/agent.ts).
 */
export interface ChangeFeed {
  notify(hostId: string): void;
  /** Resolves on the next notify for the host, or after `ms`. */
  wait(hostId: string, ms: number, signal?: AbortSignal): Promise<void>;
}

export function createChangeFeed(): ChangeFeed {
  const waiters = new Map<string, Set<() => void>>();
  return {
    notify(hostId) {
      const set = waiters.get(hostId);
      if (!set) return;
      waiters.delete(hostId);
      for (const wake of set) wake();
    },
    wait(hostId, ms, signal) {
      return new Promise((resolve) => {
        const set = waiters.get(hostId) ?? new Set();
        waiters.set(hostId, set);
        const done = () => {
          clearTimeout(timer);
          set.delete(done);
          if (set.size === 0 && waiters.get(hostId) === set) waiters.delete(hostId);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        set.add(done);
        signal?.addEventListener('abort', done);
      });
    },
  };
}
