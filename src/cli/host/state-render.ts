import type { ApplyReport } from '../../core/plan/apply-report.js';
import { summarizeApply } from '../../core/plan/apply-report.js';
import type { ProgressEvent } from '../../core/ports.js';
import type { InstallBootReport } from '../../host/apply/install-boot.js';
import { renderTable } from '../output.js';

export function renderApplyReport(report: ApplyReport): string {
  const parts: string[] = [];
  if (report.steps.length > 0) {
    parts.push(
      renderTable(
        ['pf', 'vf', 'step', 'status', 'detail'],
        report.steps.map((s) => [s.pf, s.vf, s.action, s.status, s.detail]),
      ),
    );
  }
  for (const u of report.forced) {
    parts.push(`forced: ${u.pf} vf ${u.index} (${u.pciAddress}): ${u.reasons.join('; ')}\n`);
  }
  if (report.loadedDrivers.length > 0) parts.push(`loaded: ${report.loadedDrivers.join(', ')}\n`);
  parts.push(`${summarizeApply(report)}\n`);
  return parts.join('');
}

export function renderInstallBoot(report: InstallBootReport): string {
  return (
    renderTable(
      ['step', 'status', 'detail'],
      report.steps.map((s) => [s.action, s.status, s.detail]),
    ) + `The saved state is applied at every boot by ${report.unitPath}.\n`
  );
}

/**
 * Progress on stderr, one line per finished step; long waits also say when
 * they start, so a pause has an explanation.
 */
export function progressLine(e: ProgressEvent): string | null {
  if (e.status === 'start' && !e.step.includes('wait')) return null;
  const tag = e.status === 'start' ? '...' : e.status;
  return `${tag.padEnd(7)} ${e.step}${e.detail === undefined ? '' : `: ${e.detail}`}\n`;
}
