import { migrationReportOf, type MigrationView } from '../../../api/answers.js';

/** One line of a migration's timeline. */
export interface TimelineStep {
  readonly step: string;
  readonly status: string;
  readonly detail: string | null;
}

/** A migration's steps so far, in order, and what it ended with (error, attention). */
export function migrationTimeline(m: MigrationView): {
  steps: TimelineStep[];
  outcome: string | null;
} {
  const r = migrationReportOf(m);
  const steps = (r.progress ?? []).map((p) => ({
    step: p.step ?? '?',
    status: p.status ?? '?',
    detail: p.detail ?? null,
  }));
  const notes = [
    ...(r.error === null || r.error === undefined ? [] : [`error: ${r.error.message}`]),
    ...(r.failedStep === null || r.failedStep === undefined ? [] : [`failed at ${r.failedStep}`]),
    ...(r.attention ?? []).map((a) => `attention: ${a}`),
  ];
  return { steps, outcome: notes.length === 0 ? null : notes.join('; ') };
}
