import type { LeasedLiveMigration } from '../core/fleet/live-migration-store.js';
import type { MigrationState } from '../core/fleet/vm-store.js';
import {
  liveMigrationReport,
  liveStepLabel,
  type LiveMigrationState,
} from '../core/migration/live-migration-machine.js';
import { runLiveMigration } from '../core/migration/live-migration-run.js';
import type { ControllerDeps } from './controller-deps.js';
import { migrationEvent } from './events.js';
import { performLiveEffect } from './live-migration-effects.js';
import { createPassLoop, type PassLoop } from './pass-loop.js';

/** Where a test may stop a controller: before a step's effect is made, or after, before its answer is saved. */
export type LiveMigrationHook = (step: string, at: 'before' | 'after') => void;

/** Kicked when a task is answered or a migration started. */
export type LiveMigrationReconciler = PassLoop;

const iso = (ms: number) => new Date(ms).toISOString();

export const runningReport = (live: LiveMigrationState) => ({
  mode: live.plan.mode,
  progress: live.progress,
});

/**
 * Advances the live migrations this controller can lease (docs/libvirt.md,
 * "Live migration"): each pass leases the rows whose lease ran out, and
 * for each makes its pending effect, feeds the answer to the state machine
 * and saves the next state (renewing the lease), until it waits for an
 * agent or has ended. A controller that dies leaves the row where its last
 * save put it; once the lease runs out, any controller continues from there.
 */
export function createLiveMigrationReconciler(
  deps: ControllerDeps,
  o: {
    readonly owner: string;
    readonly log: (line: string) => void;
    readonly hook?: LiveMigrationHook;
  },
): LiveMigrationReconciler {
  const cfg = deps.config.liveMigrations;

  async function advance(m: LeasedLiveMigration): Promise<void> {
    const end = await runLiveMigration(
      m.live,
      async (effect, live) => {
        // Render-only `migrate` has parts: `migrate#1` is the removal from the origin.
        const step = `${liveStepLabel(live) ?? ''}${live.part > 0 ? `#${String(live.part)}` : ''}`;
        o.hook?.(step, 'before');
        const answer = await performLiveEffect(deps, m, effect, cfg.taskLimits);
        if (answer !== null) o.hook?.(step, 'after');
        return answer;
      },
      (live) => {
        const until = iso(deps.now() + cfg.leaseMs);
        return deps.store.vms.saveLiveMigration(m.id, o.owner, live, runningReport(live), until);
      },
    );
    if (end !== null && end.pending === null) await finish(m, end);
  }

  async function finish(m: LeasedLiveMigration, live: LiveMigrationState): Promise<void> {
    const report = liveMigrationReport(live);
    const nodes = report.final.ports.flatMap((p) =>
      p.target.vf?.numaNode === undefined || p.target.vf.numaNode === null
        ? []
        : [p.target.vf.numaNode],
    );
    const move =
      report.final.domainOn === 'target' ? { hostId: m.target, numaNode: nodes[0] ?? null } : null;
    const state: Exclude<MigrationState, 'running'> = report.needsAttention
      ? 'needs-attention'
      : report.outcome === 'completed'
        ? 'done'
        : 'rolled-back';
    const inst = await deps.store.claims.getInstance(m.instanceId);
    const what = { id: m.id, source: m.source, target: m.target, mode: live.plan.mode };
    const event = inst === null ? null : migrationEvent(state, inst, what);
    const full = { ...report, progress: live.progress };
    // One transaction: a controller killed before it commits leaves the row running, and the
    // next one to lease it ends it, event included.
    await deps.store.vms.finishLiveMigration(m.id, o.owner, {
      state,
      report: full,
      live,
      now: iso(deps.now()),
      move,
      event,
    });
    // A drain waiting on this migration may start the next one.
    deps.passes?.kick();
  }

  async function pass(): Promise<void> {
    const now = deps.now();
    const leased = await deps.store.vms.leaseLiveMigrations(
      o.owner,
      iso(now),
      iso(now + cfg.leaseMs),
      16,
    );
    for (const m of leased) {
      await advance(m).catch((e: unknown) => {
        o.log(`live migration ${m.id}: ${String(e)} (tried again on the next pass)`);
      });
    }
  }

  return createPassLoop(pass, {
    pollMs: cfg.pollMs,
    failed: (e) => {
      o.log(`live migration pass failed: ${String(e)}`);
    },
  });
}
