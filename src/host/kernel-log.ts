import type { KernelLog } from '../core/doctor/input.js';
import type { HostFs, CommandRunner } from '../core/ports.js';

const KERN_LOG = '/var/log/kern.log';
// Each boot starts with the kernel banner; kern.log keeps earlier boots too.
const BOOT_MARKER = /\bLinux version \d/;

export interface KernelLogResult {
  readonly log: KernelLog | null;
  readonly problem: string | null;
}

const splitLines = (text: string) => text.split(/\r?\n/).filter((l) => l.trim() !== '');

/** The lines of the current boot only, from the last kernel banner on. */
export function currentBoot(lines: readonly string[]): string[] {
  let start = 0;
  lines.forEach((l, i) => {
    if (BOOT_MARKER.test(l)) start = i;
  });
  return lines.slice(start);
}

async function runDmesg(runner: CommandRunner): Promise<{ lines: string[] } | { problem: string }> {
  try {
    const r = await runner.run('dmesg', [], { timeoutMs: 15_000 });
    if (r.exitCode === 0) return { lines: splitLines(r.stdout) };
    return { problem: `dmesg exited with ${r.exitCode}: ${r.stderr.trim() || '(no message)'}` };
  } catch (e) {
    return { problem: `dmesg: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/**
 * The kernel log for doctor: `dmesg` through the host's runner (like `ip`
 * for the scan), else /var/log/kern.log under the host root when dmesg is
 * not permitted (kernel.dmesg_restrict) or missing, or when `live` is false.
 * Never throws: an unreadable log is a finding, not a crash.
 */
export async function readKernelLog(
  fs: HostFs,
  runner: CommandRunner,
  live: boolean,
): Promise<KernelLogResult> {
  const problems: string[] = [];
  if (live) {
    const d = await runDmesg(runner);
    if ('lines' in d) return { log: { source: 'dmesg', lines: d.lines }, problem: null };
    problems.push(d.problem);
  }
  try {
    const text = await fs.readText(KERN_LOG);
    if (text !== null)
      return { log: { source: KERN_LOG, lines: currentBoot(splitLines(text)) }, problem: null };
    problems.push(`${KERN_LOG}: absent`);
  } catch (e) {
    problems.push(e instanceof Error ? e.message : String(e));
  }
  return { log: null, problem: problems.join('; ') };
}
