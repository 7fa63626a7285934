import {
  IP_BATCH_ARGS,
  batchOutcomes,
  isBatchSafeIfname,
  vfCommandLines,
} from '../../core/plan/ip-vf-commands.js';
import { pfKey, type AnyPfPlan } from '../../core/plan/plan-types.js';
import { describeAttrChange } from '../../core/plan/render-plan.js';
import type { CommandRunner } from '../../core/ports.js';
import type { ApplyStep } from '../../core/plan/apply-report.js';
import { errorText, type StepLog } from './step-log.js';

interface Line {
  readonly text: string;
  readonly step: ApplyStep;
}

function cannotSet(ifname: string | null, isNew: boolean): string | null {
  if (ifname === null) return 'the PF has no netdev, so VF settings cannot be set';
  if (!isBatchSafeIfname(ifname)) return `interface name "${ifname}" cannot be passed to ip -batch`;
  return isNew ? 'the VF does not exist' : null;
}

/**
 * Sets every VF attribute change of `pfs` with ONE `ip -force -batch -`:
 * one line per attribute, so a driver rejecting one (igb: `state`) costs only
 * that line, and `-force` makes ip go on after it. Failures are mapped back
 * to lines through iproute2's `Command failed -:N`.
 */
export async function applyVfAttributes(
  runner: CommandRunner,
  log: StepLog,
  pfs: readonly AnyPfPlan[],
): Promise<void> {
  const lines: Line[] = [];
  for (const pf of pfs) {
    const key = pfKey(pf);
    for (const vf of pf.vfs) {
      if (vf.attrs.length === 0) continue;
      const byAttr = new Map(vf.attrs.map((c) => [c.attr, c]));
      const ifname = pf.ifname;
      const why = cannotSet(ifname, vf.isNew);
      if (why !== null || ifname === null) {
        for (const c of vf.attrs)
          log.add(key, vf.index, c.attr, describeAttrChange(c), 'failed', why);
        continue;
      }
      for (const l of vfCommandLines(ifname, vf.index, vf.attrs)) {
        const change = byAttr.get(l.attr);
        const action = change === undefined ? l.line : describeAttrChange(change);
        lines.push({ text: l.line, step: log.start(key, vf.index, l.attr, action) });
      }
    }
  }
  if (lines.length === 0) return;
  log.info('ip -force -batch -', `${lines.length} VF setting(s) in one call`);
  try {
    const input = `${lines.map((l) => l.text).join('\n')}\n`;
    const result = await runner.run('ip', IP_BATCH_ARGS, { input });
    batchOutcomes(lines.length, result).forEach((o, i) => {
      const line = lines[i];
      if (line) log.finish(line.step, o.status, o.detail);
    });
  } catch (e) {
    for (const l of lines) log.finish(l.step, 'failed', errorText(e));
  }
}
