import { toVfleetError, type ErrorCode } from '../errors.js';
import type { ProgressSink } from '../ports.js';
import { describeView } from './live-migration-attention.js';
import { STEPS, type StepContext } from './live-migration-steps.js';
import type {
  LiveMigrationPlan,
  LiveMigrationPorts,
  LiveMigrationStep,
} from './live-migration-types.js';
import type { MigrationMode } from './live-migration-target.js';
import { initialView, snapshotView, type LiveMigrationView } from './live-migration-view.js';

export interface StepError {
  readonly code: ErrorCode;
  readonly message: string;
}

export interface StepRecord extends LiveMigrationStep {
  readonly status: 'done' | 'failed' | 'not-run';
  /**
   * What the rollback did with a done step; null when there was no rollback.
   * `not-undone`: the rollback stopped at an earlier failure before reaching it.
   */
  readonly rollback: 'undone' | 'undo-failed' | 'not-undone' | 'nothing-to-undo' | null;
  readonly error: StepError | null;
  readonly rollbackError: StepError | null;
}

export interface LiveMigrationReport {
  /** `render-only`: no VM ran; the domain definition and the VF ports moved. */
  readonly mode: MigrationMode;
  readonly instance: string;
  readonly source: string;
  readonly target: string;
  /**
   * `completed`: runs on the target with its VFs. `rolled-back`: back as it
   * was on the source. `rollback-incomplete`: a compensation failed; `final`
   * says what is where and `attention` what to do.
   */
  readonly outcome: 'completed' | 'rolled-back' | 'rollback-incomplete';
  readonly needsAttention: boolean;
  readonly attention: readonly string[];
  /** The transaction step whose failure caused the rollback. */
  readonly failedStep: string | null;
  readonly error: StepError | null;
  readonly steps: readonly StepRecord[];
  readonly final: LiveMigrationView;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const summary = (e: unknown): StepError => {
  const v = toVfleetError(e);
  return { code: v.code, message: v.message };
};

/**
 * Runs a migration plan step by step. A failed transaction step rolls back
 * every done step in reverse order; a compensation that fails stops the
 * rollback there (continuing could release a VF still attached somewhere)
 * and the report asks for an operator. A failed cleanup step (releasing a
 * source VF) leaves the migration done and is reported the same way.
 * Never throws for a failed step: the report is the result.
 */
export async function executeLiveMigration(
  plan: LiveMigrationPlan,
  ports: LiveMigrationPorts,
  progress: ProgressSink = () => undefined,
): Promise<LiveMigrationReport> {
  const ctx: StepContext = { plan, ports, view: initialView(plan), targetXml: new Map() };
  const records: Mutable<StepRecord>[] = plan.steps.map((s) => ({
    ...s,
    status: 'not-run',
    rollback: null,
    error: null,
    rollbackError: null,
  }));
  const attention: string[] = [];
  let failed: Mutable<StepRecord> | null = null;

  for (const rec of records) {
    progress({ step: rec.id, status: 'start' });
    try {
      await STEPS[rec.kind].run(ctx, rec);
      rec.status = 'done';
      progress({ step: rec.id, status: 'ok' });
    } catch (e) {
      rec.status = 'failed';
      rec.error = summary(e);
      progress({ step: rec.id, status: 'failed', detail: rec.error.message });
      if (rec.phase === 'cleanup') {
        attention.push(
          `${rec.id}: the source VF ${sourceAddress(plan, rec.portId)} on ${plan.request.source.id} ` +
            `is still held for port ${String(rec.portId)} (${rec.error.code}: ${rec.error.message}); ` +
            'release it once the cause is fixed',
        );
        continue;
      }
      failed = rec;
      break;
    }
  }

  let outcome: LiveMigrationReport['outcome'] = 'completed';
  if (failed !== null) {
    const stoppedAt = await rollback(ctx, records, progress);
    outcome = stoppedAt === null ? 'rolled-back' : 'rollback-incomplete';
    if (stoppedAt !== null) {
      const notUndone = records.filter((r) => r.rollback === 'not-undone').map((r) => r.id);
      attention.push(
        `rollback stopped: undoing ${stoppedAt.id} failed (${stoppedAt.rollbackError?.code ?? ''}: ` +
          `${stoppedAt.rollbackError?.message ?? ''}); not undone: ${notUndone.join(', ') || 'none'}`,
        ...describeView(plan, ctx.view),
      );
    }
  }
  return {
    mode: plan.mode,
    instance: plan.request.instance.name,
    source: plan.request.source.id,
    target: plan.request.target.id,
    outcome,
    needsAttention: attention.length > 0,
    attention,
    failedStep: failed?.id ?? null,
    error: failed?.error ?? null,
    steps: records,
    final: snapshotView(ctx.view),
  };
}

/** Undoes the done steps in reverse; returns the record whose undo failed, or null. */
async function rollback(
  ctx: StepContext,
  records: Mutable<StepRecord>[],
  progress: ProgressSink,
): Promise<Mutable<StepRecord> | null> {
  let stoppedAt: Mutable<StepRecord> | null = null;
  for (const rec of [...records].reverse()) {
    if (rec.status !== 'done') continue;
    const undo = STEPS[rec.kind].undo;
    if (undo === null) rec.rollback = 'nothing-to-undo';
    else if (stoppedAt !== null) rec.rollback = 'not-undone';
    else {
      progress({ step: `undo ${rec.id}`, status: 'start' });
      try {
        await undo(ctx, rec);
        rec.rollback = 'undone';
        progress({ step: `undo ${rec.id}`, status: 'ok' });
      } catch (e) {
        rec.rollback = 'undo-failed';
        rec.rollbackError = summary(e);
        progress({ step: `undo ${rec.id}`, status: 'failed', detail: rec.rollbackError.message });
        stoppedAt = rec;
      }
    }
  }
  return stoppedAt;
}

const sourceAddress = (plan: LiveMigrationPlan, portId: string | null) =>
  plan.ports.find((p) => p.portId === portId)?.sourceVf.pciAddress ?? '?';
