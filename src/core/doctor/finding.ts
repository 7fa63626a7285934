/**
 * What `vfleet host doctor` reports. Each finding names the check that made
 * it, what it is about, the evidence that shows it (a line of a file or of
 * the kernel log, so the operator can verify it) and, when something is to
 * be done, the exact steps. vfleet never applies a fix on its own.
 */

// The severities and check names are shared with the knowledge base, which
// must not import doctor (that was a core/doctor <-> core/knowledge cycle):
// they live in the vocabulary; re-exported here for doctor's users.
import type { FindingSeverity } from '../vocabulary.js';
export { DOCTOR_CHECKS, FINDING_SEVERITIES } from '../vocabulary.js';
export type { DoctorCheckId, FindingSeverity } from '../vocabulary.js';

export interface Finding {
  /** The check id, or `kernel-log:<knowledge entry id>` for known kernel messages. */
  readonly id: string;
  readonly severity: FindingSeverity;
  /** A PF's PCI address, or `host`. */
  readonly subject: string;
  readonly title: string;
  readonly evidence: readonly string[];
  readonly fix?: readonly string[];
}

export type DoctorSummary = Readonly<Record<FindingSeverity, number>>;

export interface DoctorReport {
  readonly findings: readonly Finding[];
  readonly summary: DoctorSummary;
  /** Human labels for subjects (`0000:01:00.0` -> `0000:01:00.0 eth0 (igb)`), for tables. */
  readonly subjectLabels: Readonly<Record<string, string>>;
}

export const HOST_SUBJECT = 'host';

/** Builds a finding, leaving `fix` out when there is nothing to do. */
export function finding(
  id: string,
  severity: FindingSeverity,
  subject: string,
  title: string,
  evidence: readonly string[],
  fix: readonly string[] = [],
): Finding {
  return fix.length > 0
    ? { id, severity, subject, title, evidence, fix }
    : { id, severity, subject, title, evidence };
}

export function summarize(findings: readonly Finding[]): DoctorSummary {
  const counts: Record<FindingSeverity, number> = { error: 0, warning: 0, info: 0, ok: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}

/** Caps long evidence lists so one noisy log does not drown the report. */
export function capLines(lines: readonly string[], max = 5): string[] {
  if (lines.length <= max) return [...lines];
  return [...lines.slice(0, max), `... and ${lines.length - max} more line(s)`];
}
