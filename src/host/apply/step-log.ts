import type { ApplyStep, StepStatus, StepTarget } from '../../core/plan/apply-report.js';
import type { ProgressSink } from '../../core/ports.js';

/** Records apply steps for the report and streams them as progress. */
export class StepLog {
  readonly steps: ApplyStep[] = [];

  constructor(private readonly onProgress?: ProgressSink) {}

  start(pf: string, vf: number | null, target: StepTarget, action: string): ApplyStep {
    const step: ApplyStep = { pf, vf, target, action, status: 'ok', detail: null };
    this.steps.push(step);
    this.onProgress?.({ step: label(step), status: 'start' });
    return step;
  }

  finish(step: ApplyStep, status: StepStatus, detail: string | null = null): void {
    step.status = status;
    step.detail = detail;
    // Progress has no "unsupported": it is a failure of that one setting.
    const shown = status === 'unsupported' ? `unsupported: ${detail ?? ''}` : (detail ?? undefined);
    this.onProgress?.({
      step: label(step),
      status: status === 'unsupported' ? 'failed' : status,
      ...(shown === undefined ? {} : { detail: shown }),
    });
  }

  add(
    pf: string,
    vf: number | null,
    target: StepTarget,
    action: string,
    status: StepStatus,
    detail: string | null = null,
  ): ApplyStep {
    const step = this.start(pf, vf, target, action);
    this.finish(step, status, detail);
    return step;
  }

  info(step: string, detail: string): void {
    this.onProgress?.({ step, status: 'info', detail });
  }
}

export const label = (s: Pick<ApplyStep, 'pf' | 'vf' | 'action'>): string =>
  `${s.pf}${s.vf === null ? '' : ` vf ${s.vf}`}: ${s.action}`;

/** One line for a thrown error (HostFs and the runner throw VfleetErrors with clear messages). */
export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
