import { VfleetError } from '../core/errors.js';
import type { CommandRunner } from '../core/ports.js';

/**
 * Shared libraries `ldd` names for a program, as absolute host paths. The
 * vDSO has no file and is skipped; a static program has none.
 */
export function parseLdd(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('linux-vdso') || line.startsWith('linux-gate')) continue;
    if (line.includes('not found')) {
      throw new VfleetError('MISSING_DEPENDENCY', `a shared library is missing: ${line}`, { line });
    }
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^(\/\S+)\s+\(/.exec(line);
    if (m?.[1] !== undefined && !out.includes(m[1])) out.push(m[1]);
  }
  return out;
}

/** Runs ldd; a static program (ldd exits non-zero with "not a dynamic executable") has no libraries. */
export async function sharedLibraries(runner: CommandRunner, program: string): Promise<string[]> {
  const r = await runner.run('ldd', [program], { timeoutMs: 30_000 });
  if (r.exitCode === 0) return parseLdd(r.stdout);
  if (/not a dynamic executable|statically linked/.test(r.stdout + r.stderr)) return [];
  throw new VfleetError('COMMAND_FAILED', `ldd ${program} failed: ${r.stderr.trim()}`, {
    command: 'ldd',
    args: [program],
  });
}
