import { toVfleetError } from '../errors.js';
import type { ProgressEvent } from '../ports.js';
import {
  runWork,
  undoWork,
  UNDOABLE,
  type LiveAnswer,
  type LiveEffect,
  type LiveMigrationOwner,
  type StepErrorData,
  type StepWork,
} from './live-migration-effects.js';
import { describeView } from './live-migration-attention.js';
import type { LiveMigrationPlan, LiveMigrationReport, StepRecord } from './live-migration-types.js';
import { initialView, type LiveMigrationView, type MutableView } from './live-migration-view.js';

/**
 * A live migration as a value a controller stores in the migration's row
 * (docs/libvirt.md, "Live migration"): the plan, the step it is at, which
 * way it goes (forward, or undoing done steps after a failure), and the one
 * effect it waits for. `advanceLiveMigration` is the whole state machine:
 * the answer to the pending effect in, the next state (with its next
 * effect) out. Any controller holding the row's lease may feed it.
 */
export interface LiveMigrationState {
  readonly plan: LiveMigrationPlan;
  readonly owner: LiveMigrationOwner;
  readonly direction: 'forward' | 'rollback' | 'finished';
  /** The step being run (forward) or undone (rollback); rollback walks down. */
  readonly index: number;
  /** The part of the step (render-only `migrate`: define, remove, repair). */
  readonly part: number;
  /** Render-only `migrate`: why the removal failed, while the repair part runs. */
  readonly partError: StepErrorData | null;
  readonly records: readonly StepRecord[];
  readonly view: LiveMigrationView;
  /** Device XML of the target VFs by port id (from `check-target-vfs`). */
  readonly targetXml: Readonly<Record<string, string>>;
  readonly attention: readonly string[];
  /** The transaction step whose failure turned the migration round. */
  readonly failedStep: string | null;
  /** The step whose compensation failed: the rollback stopped there. */
  readonly stoppedAt: string | null;
  /** Tasks handed out so far (numbers the next one). */
  readonly tasks: number;
  /** What the migration waits for; null once finished. */
  readonly pending: LiveEffect | null;
  readonly progress: readonly ProgressEvent[];
}

type Mut<T> = {
  -readonly [K in keyof T]: T[K] extends readonly (infer E)[] ? Mut<E>[] : Mut<T[K]>;
};
type State = Omit<Mut<LiveMigrationState>, 'plan' | 'pending' | 'view' | 'targetXml'> & {
  plan: LiveMigrationPlan;
  pending: LiveEffect | null;
  view: MutableView;
  targetXml: Record<string, string>;
};
type Rec = Mut<StepRecord>;

export function beginLiveMigration(
  plan: LiveMigrationPlan,
  owner: LiveMigrationOwner,
): LiveMigrationState {
  const s: State = {
    plan: structuredClone(plan),
    owner: { ...owner },
    direction: 'forward',
    index: 0,
    part: 0,
    partError: null,
    records: plan.steps.map((step) => ({
      ...step,
      status: 'not-run',
      rollback: null,
      error: null,
      rollbackError: null,
    })),
    view: initialView(plan),
    targetXml: {},
    attention: [],
    failedStep: null,
    stoppedAt: null,
    tasks: 0,
    pending: null,
    progress: [],
  };
  settle(s);
  return s;
}

/** The next state once the pending effect answered. */
export function advanceLiveMigration(
  state: LiveMigrationState,
  answer: LiveAnswer,
): LiveMigrationState {
  if (state.pending === null) return state;
  const s = structuredClone(state) as State;
  const rec = current(s);
  s.pending = null;
  const splitMigrate = rec.kind === 'migrate' && s.plan.mode !== 'live';
  if (answer.ok) {
    if (splitMigrate && s.part === 0) s.part = 1;
    else if (splitMigrate && s.part === 2) failStep(s, rec, s.partError ?? unknownError);
    else {
      const work = workOf(s, rec) as Exclude<StepWork, null | { inline: () => void }>;
      work.applied(answer);
      stepDone(s, rec);
    }
  } else if (splitMigrate && s.part === 1) {
    // The definition is on both hosts: remove the new one, then report the removal's failure.
    s.partError = answer.error;
    s.part = 2;
  } else if (splitMigrate && s.part === 2) {
    const why = s.partError ?? unknownError;
    const to = s.direction === 'forward' ? s.plan.request.target : s.plan.request.source;
    const name = s.plan.request.instance.name;
    failStep(s, rec, {
      code: why.code,
      message:
        `${why.message}; and removing the new definition from ${to.id} failed ` +
        `(${answer.error.message}): domain ${name} is defined on both hosts`,
    });
  } else failStep(s, rec, answer.error);
  settle(s);
  return s;
}

/** The step the pending effect belongs to, as progress names it (`undo <id>` on the way back). */
export function liveStepLabel(state: LiveMigrationState): string | null {
  if (state.direction === 'finished') return null;
  const rec = state.records[state.index];
  if (rec === undefined) return null;
  return state.direction === 'rollback' ? `undo ${rec.id}` : rec.id;
}

/** The report of a finished migration (what the API shows in the migration's record). */
export function liveMigrationReport(state: LiveMigrationState): LiveMigrationReport {
  const failed = state.records.find((r) => r.id === state.failedStep) ?? null;
  let outcome: LiveMigrationReport['outcome'] = 'completed';
  if (failed !== null) outcome = state.stoppedAt === null ? 'rolled-back' : 'rollback-incomplete';
  return {
    mode: state.plan.mode,
    instance: state.plan.request.instance.name,
    source: state.plan.request.source.id,
    target: state.plan.request.target.id,
    outcome,
    needsAttention: state.attention.length > 0,
    attention: state.attention,
    failedStep: failed?.id ?? null,
    error: failed?.error ?? null,
    steps: state.records,
    final: state.view,
  };
}

const unknownError: StepErrorData = { code: 'INTERNAL', message: 'unknown failure' };

const current = (s: State): Rec => {
  const rec = s.records[s.index];
  if (rec === undefined) throw new Error(`live migration: no step ${String(s.index)}`);
  return rec;
};

const label = (s: State, rec: Rec) => (s.direction === 'rollback' ? `undo ${rec.id}` : rec.id);

const workOf = (s: State, rec: Rec): StepWork =>
  (s.direction === 'rollback' ? undoWork : runWork)(
    { plan: s.plan, owner: s.owner, view: s.view, targetXml: s.targetXml },
    rec,
    s.part,
  );

/** Runs pure work and skips what needs nothing, up to the next effect (or the end). */
function settle(s: State): void {
  for (;;) {
    if (s.direction === 'finished') return;
    if (s.index < 0 || s.index >= s.records.length) {
      finish(s);
      continue;
    }
    const rec = current(s);
    if (s.direction === 'rollback') {
      if (rec.status !== 'done') {
        s.index--;
        continue;
      }
      if (!UNDOABLE.has(rec.kind) || s.stoppedAt !== null) {
        // Past a failed compensation nothing more is undone: a VF may still be in use.
        rec.rollback = UNDOABLE.has(rec.kind) ? 'not-undone' : 'nothing-to-undo';
        s.index--;
        continue;
      }
    }
    if (s.part === 0) s.progress.push({ step: label(s, rec), status: 'start' });
    let work: StepWork;
    try {
      work = workOf(s, rec);
      if (work !== null && 'inline' in work) work.inline();
    } catch (e) {
      const v = toVfleetError(e);
      failStep(s, rec, { code: v.code, message: v.message });
      continue;
    }
    if (work === null || 'inline' in work) {
      stepDone(s, rec);
      continue;
    }
    const e = work.effect;
    s.pending = e.kind === 'task' ? { ...e, seq: ++s.tasks } : e;
    return;
  }
}

function stepDone(s: State, rec: Rec): void {
  s.progress.push({ step: label(s, rec), status: 'ok' });
  if (s.direction === 'rollback') {
    rec.rollback = 'undone';
    s.index--;
  } else {
    rec.status = 'done';
    s.index++;
  }
  s.part = 0;
  s.partError = null;
}

function failStep(s: State, rec: Rec, error: StepErrorData): void {
  s.progress.push({ step: label(s, rec), status: 'failed', detail: error.message });
  s.part = 0;
  s.partError = null;
  if (s.direction === 'rollback') {
    rec.rollback = 'undo-failed';
    rec.rollbackError = { ...error };
    s.stoppedAt = rec.id;
    s.index--;
    return;
  }
  rec.status = 'failed';
  rec.error = { ...error };
  if (rec.phase === 'cleanup') {
    const address = s.plan.ports.find((p) => p.portId === rec.portId)?.sourceVf.pciAddress ?? '?';
    s.attention.push(
      `${rec.id}: the source VF ${address} on ${s.plan.request.source.id} ` +
        `is still held for port ${String(rec.portId)} (${error.code}: ${error.message}); ` +
        'release it once the cause is fixed',
    );
    s.index++;
    return;
  }
  s.failedStep = rec.id;
  s.direction = 'rollback';
  s.index--;
}

function finish(s: State): void {
  s.direction = 'finished';
  s.pending = null;
  const stopped = s.records.find((r) => r.id === s.stoppedAt);
  if (stopped === undefined) return;
  const notUndone = s.records.filter((r) => r.rollback === 'not-undone').map((r) => r.id);
  s.attention.push(
    `rollback stopped: undoing ${stopped.id} failed (${stopped.rollbackError?.code ?? ''}: ` +
      `${stopped.rollbackError?.message ?? ''}); not undone: ${notUndone.join(', ') || 'none'}`,
    ...describeView(s.plan, s.view),
  );
}
