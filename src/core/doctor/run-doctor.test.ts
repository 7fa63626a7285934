import { describe, expect, it } from 'vitest';
import { makeInput, makeInventory, makePf } from '../../testing/doctor-input.js';
import { FINDING_SEVERITIES } from './finding.js';
import { doctorExitCode, runDoctor } from './run-doctor.js';

describe('runDoctor', () => {
  it('orders host findings first, then each PF, worst first, and counts them', () => {
    const input = makeInput({
      iommuGroups: [],
      iommuClass: [],
      cmdline: 'ro quiet',
      inventory: makeInventory([makePf({ adminUp: false, linkState: 'down' })]),
    });
    const report = runDoctor(input);
    const subjects = report.findings.map((f) => f.subject);
    expect(subjects.indexOf('0000:01:00.0')).toBeGreaterThan(subjects.lastIndexOf('host'));
    for (const subject of new Set(subjects)) {
      const ranks = report.findings
        .filter((f) => f.subject === subject)
        .map((f) => FINDING_SEVERITIES.indexOf(f.severity));
      expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    }
    for (const s of FINDING_SEVERITIES)
      expect(report.summary[s]).toBe(report.findings.filter((f) => f.severity === s).length);
    expect(report.findings[0]?.id).toBe('iommu');
    expect(report.subjectLabels['0000:01:00.0']).toBe('0000:01:00.0 eth0 (igb)');
    expect(doctorExitCode(report)).toBe(1);
  });

  it('exits 0 on a healthy host', () => {
    const report = runDoctor(makeInput());
    expect(report.summary.error).toBe(0);
    expect(doctorExitCode(report)).toBe(0);
  });
});
