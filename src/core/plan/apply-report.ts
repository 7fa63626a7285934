import type { HostPlan } from './plan-types.js';
import type { UnsafeVf } from './safety.js';

/** Outcome of one apply step; `unsupported` = the driver refused the setting. */
export const STEP_STATUSES = ['ok', 'failed', 'skipped', 'unsupported'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** What a step acted on: `link`, `numVfs`, `wait`, `driver`, a VF attribute, ... */
export type StepTarget = string;

export interface ApplyStep {
  readonly pf: string;
  readonly vf: number | null;
  readonly target: StepTarget;
  /** In words, as a plan line reads (`numVfs 0 -> 4`, `vlan 0 -> 100 qos 3`). */
  readonly action: string;
  status: StepStatus;
  detail: string | null;
}

/** The data of `vfleet host apply -o json|yaml`. */
export interface ApplyReport {
  /** The plan computed before the first change. */
  readonly plan: HostPlan;
  readonly steps: readonly ApplyStep[];
  /** Changes still pending after the final re-scan; 0 = the host matches the state; null = not verified. */
  readonly remainingChanges: number | null;
  readonly converged: boolean;
  /** VFs in use that `--force` changed anyway. */
  readonly forced: readonly UnsafeVf[];
  /** Kernel modules loaded (modprobe) so the VF drivers exist. */
  readonly loadedDrivers: readonly string[];
}

export const stepKey = (pf: string, vf: number | null, target: StepTarget): string =>
  `${pf}|${vf ?? ''}|${target}`;

export function countByStatus(steps: readonly ApplyStep[]): Record<StepStatus, number> {
  const counts: Record<StepStatus, number> = { ok: 0, failed: 0, skipped: 0, unsupported: 0 };
  for (const s of steps) counts[s.status]++;
  return counts;
}

export function summarizeApply(report: ApplyReport): string {
  if (report.plan.changes === 0) return 'No changes: the host matches the state.';
  const c = countByStatus(report.steps);
  const counts = `${c.ok} ok, ${c.failed} failed, ${c.unsupported} unsupported, ${c.skipped} skipped`;
  return report.converged
    ? `Applied: ${counts}; the host matches the state.`
    : `Not converged: ${counts}; ${report.remainingChanges ?? 'unknown number of'} change(s) still pending. Fix the cause and run apply again.`;
}
