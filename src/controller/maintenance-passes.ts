import type { ControllerDeps } from './controller-deps.js';
import { advanceDrain } from './hosts/drain-pass.js';
import { advanceRollout } from './rollouts/rollout-pass.js';
import { createPassLoop, type PassLoop } from './pass-loop.js';

export type MaintenancePasses = PassLoop;

/**
 * Carries the open drains (drain-pass.ts) and running rollouts
 * (rollout-pass.ts) on, every `pollMs` and when kicked (a drain or rollout
 * started or resumed, a live migration ended). Everything a pass needs
 * is in the store, so a controller that restarts, or another one on the
 * same database, continues where it was; two controllers' passes may
 * overlap, and every step is safe to repeat.
 */
export function createMaintenancePasses(
  deps: ControllerDeps,
  o: { readonly pollMs: number; readonly log: (line: string) => void },
): MaintenancePasses {
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

  return createPassLoop(pass, {
    pollMs: o.pollMs,
    failed: (e) => {
      o.log(`maintenance pass failed: ${String(e)}`);
    },
  });
}
