import type { DoctorReport, Finding } from './finding.js';
import { FINDING_SEVERITIES, HOST_SUBJECT, summarize } from './finding.js';
import type { DoctorInput } from './input.js';
import { checkDriverFeatures } from './rules-driver.js';
import { checkIommu, checkIommuPt } from './rules-iommu.js';
import { checkInventory, checkKernelLog } from './rules-kernel-log.js';
import { checkPfCpus, checkPfNuma } from './rules-numa.js';
import { checkPfBridge, checkPfDown, checkPfDriver } from './rules-pf.js';
import { checkSriovFirmware, checkTotalVfs } from './rules-sriov.js';
import { checkSwitchdev, checkVdpa } from './rules-switchdev.js';
import { checkVfDriver } from './rules-vf.js';
import { checkIommuGroups, checkVfioPci } from './rules-vfio.js';

export type DoctorRule = (input: DoctorInput) => Finding[];

/** Host-wide checks first, then per PF; each rule is a pure function of the input. */
export const DOCTOR_RULES: readonly DoctorRule[] = [
  checkInventory,
  checkIommu,
  checkIommuPt,
  checkVfioPci,
  checkSriovFirmware,
  checkKernelLog,
  checkTotalVfs,
  checkPfDriver,
  checkPfDown,
  checkPfBridge,
  checkIommuGroups,
  checkVfDriver,
  checkDriverFeatures,
  checkPfCpus,
  checkPfNuma,
  checkSwitchdev,
  checkVdpa,
];

const rank = (f: Finding) => FINDING_SEVERITIES.indexOf(f.severity);

export function runDoctor(
  input: DoctorInput,
  rules: readonly DoctorRule[] = DOCTOR_RULES,
): DoctorReport {
  const found = rules.flatMap((rule) => rule(input));
  // Host first, then PFs by address; worst first inside each subject (stable for equal ranks).
  const order = [HOST_SUBJECT, ...input.inventory.pfs.map((p) => p.pciAddress)];
  const pos = (s: string) => (order.includes(s) ? order.indexOf(s) : order.length);
  const findings = [...found].sort(
    (a, b) =>
      pos(a.subject) - pos(b.subject) || a.subject.localeCompare(b.subject) || rank(a) - rank(b),
  );
  const subjectLabels: Record<string, string> = { [HOST_SUBJECT]: 'host' };
  for (const pf of input.inventory.pfs) {
    const parts = [pf.pciAddress, pf.ifname, pf.driver === null ? null : `(${pf.driver})`];
    subjectLabels[pf.pciAddress] = parts.filter((p) => p !== null).join(' ');
  }
  return { findings, summary: summarize(findings), subjectLabels };
}

/** Exit status of `vfleet host doctor`: 1 when any finding is an error (the check ran and found problems). */
export const doctorExitCode = (report: DoctorReport): number => (report.summary.error > 0 ? 1 : 0);
