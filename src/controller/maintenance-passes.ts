import type { ControllerDeps } from './controller-deps.js';
import { advanceDrain } from './hosts/drain-pass.js';
import { advanceRollout } from './rollouts/rollout-pass.js';

export interface MaintenancePasses {
  /** Runs a pass now (or once more after the one running). */
  kick(): void;
  /** Resolves once no pass runs; none starts after it. */
  stop(): Promise<void>;
}

/**
 * Carries the open drains (drain-pass.ts) and running rollouts
 * (rollout-pass.ts) on, every `pollMs` and when kicked (a drain or rollout
 * started, a migration ended, an agent applied). Everything a pass needs
 * is in the store, so a controller that restarts, or another one on the
 * same database, continues where it was; two controllers' passes may
 * overlap, and every step is safe to repeat.
 */
export function createMaintenancePasses(
  deps: ControllerDeps,
  o: { readonly pollMs: number; readonly log: (line: string) => void },
): MaintenancePasses {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  async function pass(): Promise<void> {
    for (const d of await deps.store.maintenance.openDrains()) {
      await advanceDrain(deps, d).catch((e: unknown) => {
        o.log(`drain of ${d.host}: ${String(e)} (tried again on the next pass)`);
      });
    }
    for (const r of await deps.store.rollouts.running()) {
      await advanceRollout(deps, r).catch((e: unknown) => {
        o.log(`rollout ${r.id}: ${String(e)} (tried again on the next pass)`);
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
        o.log(`maintenance pass failed: ${String(e)}`);
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
