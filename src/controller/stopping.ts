/**
 * The controller's shutdown, as the requests that wait on it need it.
 *
 * Every long poll and event stream ends when the controller stops. Combining
 * the one shutdown signal with each request's own through `AbortSignal.any`
 * leaks on Node (nodejs/node#55351): the long-lived signal keeps an entry
 * for every signal ever combined with it, about 50 bytes per request, so
 * 10,000 agents polling every 55 s grew the heap by some 30 MB an hour.
 * Here each wait gets a controller of its own, held in a set while the wait
 * lasts and aborted on shutdown; released, nothing of it stays.
 */
export interface Stopping {
  /** Aborted when the controller stops (for the few that listen once). */
  readonly signal: AbortSignal;
  /** A signal that aborts when any of `signals` does or the controller stops. Call `release` when the wait ends. */
  follow(signals: readonly AbortSignal[]): Following;
  /** Waits following now (released ones are gone). */
  following(): number;
}

export interface Following {
  readonly signal: AbortSignal;
  release(): void;
}

export interface StoppingSource extends Stopping {
  stop(): void;
}

export function createStopping(): StoppingSource {
  const stopped = new AbortController();
  const waits = new Set<AbortController>();
  return {
    signal: stopped.signal,
    follow(signals) {
      const mine = new AbortController();
      if (stopped.signal.aborted) mine.abort();
      else waits.add(mine);
      // Every source here is as short-lived as the wait: nothing outlives it.
      const signal =
        signals.length === 0 ? mine.signal : AbortSignal.any([...signals, mine.signal]);
      return {
        signal,
        release: () => {
          waits.delete(mine);
        },
      };
    },
    following: () => waits.size,
    stop() {
      stopped.abort();
      for (const w of waits) w.abort();
      waits.clear();
    },
  };
}

/** `stopping.follow(signals)`, or only `signals` where nothing stops (a test's deps). */
export function followStopping(
  stopping: Stopping | undefined,
  signals: readonly AbortSignal[],
): Following {
  if (stopping !== undefined) return stopping.follow(signals);
  return { signal: AbortSignal.any([...signals]), release: () => undefined };
}
