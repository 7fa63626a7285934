/** Starts a timer; returns what cancels it (setTimeout in the browser, a fake in tests). */
export type Schedule = (run: () => void, ms: number) => () => void;

/**
 * Runs `run` once per burst: the first poke arms a timer of `ms`, further
 * pokes until it fires add nothing. The live feed invalidates every cached
 * answer this way, so a migration's twenty events refetch a page once.
 */
export function coalesce(run: () => void, ms: number, schedule: Schedule) {
  let cancel: (() => void) | null = null;
  return {
    poke(): void {
      if (cancel !== null) return;
      cancel = schedule(() => {
        cancel = null;
        run();
      }, ms);
    },
    stop(): void {
      cancel?.();
      cancel = null;
    },
  };
}
