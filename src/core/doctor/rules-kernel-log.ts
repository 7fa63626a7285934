import { matchKernelLog } from '../knowledge/knowledge-base.js';
import type { Finding } from './finding.js';
import { HOST_SUBJECT, capLines, finding } from './finding.js';
import type { DoctorInput } from './input.js';
import { FIRMWARE_ENTRY_IDS } from './rules-sriov.js';

/** Entries whose lines a dedicated check already reports, with host context. */
const REPORTED_ELSEWHERE = new Set<string>([...FIRMWARE_ENTRY_IDS, 'iommu-disabled']);

/** Known error messages in the kernel log, explained through the knowledge base. */
export function checkKernelLog(input: DoctorInput): Finding[] {
  const log = input.kernelLog;
  if (log === null) {
    return [
      finding(
        'kernel-log',
        'info',
        HOST_SUBJECT,
        'The kernel log was not readable: checks that rely on it were skipped',
        [input.kernelLogProblem ?? 'no kernel log source'],
        ['Run vfleet host doctor as root (dmesg needs CAP_SYSLOG when kernel.dmesg_restrict=1)'],
      ),
    ];
  }
  const out: Finding[] = [];
  for (const [entry, lines] of matchKernelLog(log.lines)) {
    if (REPORTED_ELSEWHERE.has(entry.id) || entry.kernelLogSeverity === undefined) continue;
    out.push(
      finding(
        `kernel-log:${entry.id}`,
        entry.kernelLogSeverity,
        HOST_SUBJECT,
        `${entry.title} (${lines.length} line(s))`,
        capLines(lines.map((l) => `${log.source}: ${l}`)),
        [`Cause: ${entry.cause}`, ...entry.fix],
      ),
    );
  }
  return out;
}

/** A failed or partial scan makes every PF check blind, so say so first. */
export function checkInventory(input: DoctorInput): Finding[] {
  const out: Finding[] = [];
  if (input.inventoryProblem !== null)
    out.push(
      finding(
        'inventory',
        'error',
        HOST_SUBJECT,
        'Could not list the SR-IOV devices: PF and VF checks were skipped',
        [input.inventoryProblem],
        ['Fix the problem above (vfleet host scan shows the same error) and run doctor again'],
      ),
    );
  if (input.inventory.warnings.length > 0)
    out.push(
      finding(
        'inventory',
        'info',
        HOST_SUBJECT,
        'Some host files could not be understood',
        capLines(input.inventory.warnings),
      ),
    );
  if (input.inventoryProblem === null && input.inventory.pfs.length === 0)
    out.push(
      finding(
        'inventory',
        'warning',
        HOST_SUBJECT,
        'No SR-IOV capable network device found',
        [`${input.inventory.otherNics.length} other network device(s) without SR-IOV capability`],
        ['Check the NIC supports SR-IOV and that SR-IOV is enabled in the firmware setup'],
      ),
    );
  return out;
}
