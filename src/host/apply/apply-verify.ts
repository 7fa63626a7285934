import { stepKey, type ApplyStep } from '../../core/plan/apply-report.js';
import { pfKey, type AnyPfPlan, type HostPlan } from '../../core/plan/plan-types.js';
import {
  describeAttrChange,
  describeDriverChange,
  describeVdpa,
} from '../../core/plan/render-plan.js';
import type { StepLog } from './step-log.js';

/** Every change still pending in `plan`, keyed like the steps that made it. */
function pending(
  plan: HostPlan,
  skip: ReadonlySet<string>,
): Map<string, { pf: string; vf: number | null; target: string; text: string }> {
  const out = new Map<string, { pf: string; vf: number | null; target: string; text: string }>();
  const put = (pf: string, vf: number | null, target: string, text: string) =>
    out.set(stepKey(pf, vf, target), { pf, vf, target, text });
  const all: AnyPfPlan[] = [...plan.pfs, ...plan.devices];
  for (const pf of all) {
    const key = pfKey(pf);
    if (pf.link) put(key, null, 'link', 'link is still down');
    if (pf.numVfs)
      put(key, null, 'numVfs', `numVfs reads ${pf.numVfs.from}, wanted ${pf.numVfs.to}`);
    if (pf.eswitch)
      put(key, null, 'eswitch', `eswitch reads ${pf.eswitch.from ?? '?'}, wanted ${pf.eswitch.to}`);
    if (pf.tcOffload)
      put(key, null, 'hwTcOffload', `hw-tc-offload still wants ${pf.tcOffload.to ? 'on' : 'off'}`);
    // A PF whose count step failed has its VF work reported as skipped already.
    if (skip.has(key)) continue;
    for (const vf of pf.vfs) {
      const driver = describeDriverChange(vf);
      if (driver !== null) put(key, vf.index, 'driver', `still needs ${driver}`);
      for (const c of vf.attrs)
        put(key, vf.index, c.attr, `reads back as: ${describeAttrChange(c)}`);
      if (vf.vdpa !== null) put(key, vf.index, 'vdpa', `still needs ${describeVdpa(vf.vdpa)}`);
    }
  }
  for (const d of plan.vdpa)
    put(d.change.to.name, null, 'vdpa', `still needs ${describeVdpa(d.change)}`);
  return out;
}

const VERIFIED_TARGETS = new Set([
  'link',
  'numVfs',
  'driver',
  'mac',
  'vlan',
  'spoofchk',
  'trust',
  'state',
  'maxTxRate',
  'minTxRate',
  'eswitch',
  'hwTcOffload',
  'vdpa',
]);

/**
 * Settles each step against a fresh plan, since what the host reads back is
 * the truth: a step that said ok but left a difference becomes failed; a
 * step that said failed but whose value is now right becomes ok; and any
 * difference no step addressed is reported on its own.
 */
export function reconcileSteps(log: StepLog, after: HostPlan, skipPfs: ReadonlySet<string>): void {
  const left = pending(after, skipPfs);
  const last = new Map<string, ApplyStep>();
  for (const s of log.steps)
    if (VERIFIED_TARGETS.has(s.target)) last.set(stepKey(s.pf, s.vf, s.target), s);
  for (const [key, step] of last) {
    const diff = left.get(key);
    if (diff !== undefined && step.status === 'ok') {
      log.finish(step, 'failed', `verify: ${diff.text}`);
    } else if (diff === undefined && (step.status === 'failed' || step.status === 'unsupported')) {
      log.finish(
        step,
        'ok',
        `verify: reads back as wanted, though the step reported: ${step.detail ?? 'a failure'}`,
      );
    }
  }
  for (const [key, diff] of left) {
    if (!last.has(key))
      log.add(diff.pf, diff.vf, diff.target, `verify ${diff.target}`, 'failed', diff.text);
  }
}
