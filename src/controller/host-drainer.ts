import type { ControllerDeps } from './controller-deps.js';
import { advanceDrain } from './hosts/drain-pass.js';

export interface HostDrainer {
  /** Runs a pass now (or once more after the one running). */
  kick(): void;
  /** Resolves once no pass runs; none starts after it. */
  stop(): Promise<void>;
}

/**
 * Carries the open drains on (drain-pass.ts), every `pollMs` and when
 * kicked. Everything a pass needs is in the store, so a controller that
 * restarts, or another one on the same database, continues a drain where
 * it was.
 */
export function createHostDrainer(
  deps: ControllerDeps,
  o: { readonly pollMs: number; readonly log: (line: string) => void },
): HostDrainer {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  async function pass(): Promise<void> {
    for (const d of await deps.store.maintenance.openDrains()) {
      await advanceDrain(deps, d).catch((e: unknown) => {
        o.log(`drain of ${d.host}: ${String(e)} (tried again on the next pass)`);
      });
    }
  }

  function kick(): void {
    if (stopped) return;
    if (running !== null) {
      again = true;
      return;
    }
    running = pass()
      .catch((e: unknown) => {
        o.log(`drain pass failed: ${String(e)}`);
      })
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
      await running;
    },
  };
}
