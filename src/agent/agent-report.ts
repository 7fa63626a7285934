import type { AppliedReport } from './agent-client.js';
import type { HostInventory } from '../core/inventory.js';
import type { ApplyReport } from '../core/plan/apply-report.js';

/** What the controller keeps of an inventory; a change here is worth a report. */
export function inventoryKey(inv: HostInventory): string {
  return JSON.stringify(
    inv.pfs.map((pf) => [
      pf.pciAddress,
      pf.driver,
      pf.totalVfs,
      pf.numVfs,
      pf.numaNode,
      pf.vfs.map((v) => v.pciAddress),
    ]),
  );
}

/**
 * An apply run as the controller wants it: PF-level success (numVfs,
 * drivers, links) and the VFs whose settings failed, by PCI address.
 */
export function appliedFrom(
  generation: number,
  report: ApplyReport | null,
  error: unknown,
): AppliedReport {
  if (report === null) {
    const message = error instanceof Error ? error.message : String(error);
    return { generation, ok: false, failedVfs: [], message };
  }
  const failed = report.steps.filter((s) => s.status === 'failed');
  const pfFailed = failed.filter((s) => s.vf === null);
  const vfAddress = new Map(
    report.plan.pfs.flatMap((pf) =>
      pf.vfs.map((v) => [`${pf.pciAddress}#${v.index}`, v.pciAddress] as const),
    ),
  );
  const failedVfs = [
    ...new Set(
      failed.flatMap((s) => (s.vf === null ? [] : [vfAddress.get(`${s.pf}#${s.vf}`) ?? ''])),
    ),
  ].filter((a) => a !== '');
  const message =
    failed.length === 0
      ? null
      : failed
          .map(
            (s) =>
              `${s.pf}${s.vf === null ? '' : ` vf ${s.vf}`} ${s.action}: ${s.detail ?? 'failed'}`,
          )
          .join('; ');
  return { generation, ok: pfFailed.length === 0, failedVfs, message };
}
