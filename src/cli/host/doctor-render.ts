import type { DoctorReport, Finding, FindingSeverity } from '../../core/doctor/finding.js';
import type { KnowledgeMatch } from '../../core/knowledge/entry.js';
import { escapeControlChars } from '../../core/control-chars.js';

const MARK: Readonly<Record<FindingSeverity, string>> = {
  error: '[ERROR]',
  warning: '[WARN] ',
  info: '[INFO] ',
  ok: '[OK]   ',
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

// Marker column, then everything about a finding indented under its title.
const LABEL = ' '.repeat(10);
const ITEM = ' '.repeat(12);

// Evidence quotes host files and the kernel log: printed, never acted on by the terminal.
const show = (s: string) => escapeControlChars(s);

function renderFinding(f: Finding): string[] {
  const lines = [`  ${MARK[f.severity]} ${show(f.title)}  (${show(f.id)})`];
  if (f.evidence.length > 0)
    lines.push(`${LABEL}evidence:`, ...f.evidence.map((e) => `${ITEM}${show(e)}`));
  if (f.fix !== undefined && f.fix.length > 0)
    lines.push(`${LABEL}fix:`, ...f.fix.map((s) => `${ITEM}${show(s)}`));
  return lines;
}

/** Findings grouped by subject (host, then each PF), evidence and fix indented under each. */
export function renderDoctorReport(report: DoctorReport): string {
  const out: string[] = [];
  let subject: string | null = null;
  for (const f of report.findings) {
    if (f.subject !== subject) {
      if (subject !== null) out.push('');
      subject = f.subject;
      out.push(show(report.subjectLabels[f.subject] ?? f.subject));
    }
    out.push(...renderFinding(f));
  }
  const s = report.summary;
  out.push(
    '',
    `Summary: ${plural(s.error, 'error')}, ${plural(s.warning, 'warning')}, ${s.info} info, ${s.ok} ok`,
  );
  return `${out.join('\n')}\n`;
}

/** JSON/YAML shape of an explain answer: the entry without its RegExp objects. */
export function explainData(text: string, matches: readonly KnowledgeMatch[]) {
  return {
    text,
    matches: matches.map(({ entry, matched }) => ({
      id: entry.id,
      source: entry.source,
      title: entry.title,
      matched,
      cause: entry.cause,
      fix: entry.fix,
      doctorChecks: entry.doctorChecks ?? [],
      patterns: entry.patterns.map((p) => p.source),
    })),
  };
}

export function renderExplain(matches: readonly KnowledgeMatch[]): string {
  const out: string[] = [];
  for (const { entry, matched } of matches) {
    if (out.length > 0) out.push('');
    out.push(`${entry.title}  [${entry.source}: ${entry.id}]`);
    out.push(`  matched: ${matched.map((m) => JSON.stringify(m)).join(', ')}`);
    out.push(`  cause:   ${entry.cause}`);
    out.push('  fix:');
    entry.fix.forEach((step, i) => out.push(`    ${i + 1}. ${step}`));
    if (entry.doctorChecks !== undefined && entry.doctorChecks.length > 0)
      out.push(`  see:     vfleet host doctor (checks: ${entry.doctorChecks.join(', ')})`);
  }
  return `${out.join('\n')}\n`;
}
