/** Work a controller repeats: every `pollMs`, and when kicked. */
export interface PassLoop {
  /** Runs a pass now, or once more after the one running. */
  kick(): void;
  /** Resolves once no pass runs; none starts after it. */
  stop(): Promise<void>;
}

/**
 * Runs `pass` every `pollMs` and on each kick, never two at once: kicks
 * during a pass fold into one more pass after it, so a burst of wake-ups
 * (agents answering, migrations ending) costs one pass, not one each.
 */
export function createPassLoop(
  pass: () => Promise<void>,
  o: { readonly pollMs: number; readonly failed: (e: unknown) => void },
): PassLoop {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  function kick(): void {
    if (stopped) return;
    if (running !== null) {
      again = true;
      return;
    }
    running = pass()
      .catch(o.failed)
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          kick();
        }
      });
  }

  const timer = setInterval(kick, o.pollMs);
  timer.unref();
  return {
    kick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      while (running !== null) await running;
    },
  };
}
