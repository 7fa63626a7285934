/**
 * The README's walkthrough as a test script. The walkthrough is the README
 * text between `<!-- walkthrough -->` and `<!-- /walkthrough -->`; in its
 * ```console blocks a line `$ CMD` is a command (a trailing `\` continues it
 * on the next line) and the lines under it are what the README promises the
 * command prints. A promise holds when its lines appear in the output in the
 * same order (other lines may come between): `…` stands for any text within
 * a line and a run of spaces for any run of spaces, so a table shown in the
 * README matches whatever widths its columns take. A line `(exit N)`
 * promises that exit code; without one the command must succeed.
 */
export interface WalkthroughStep {
  /** The command as the README writes it (continuations joined). */
  readonly command: string;
  /** The README line the command starts on (1-based), for failure messages. */
  readonly line: number;
  readonly expected: readonly string[];
  readonly exitCode: number;
}

const START = '<!-- walkthrough -->';
const END = '<!-- /walkthrough -->';
const EXIT = /^\(exit (\d+)\)$/;

export function parseWalkthrough(readme: string): WalkthroughStep[] {
  const lines = readme.split('\n');
  const from = lines.findIndex((l) => l.trim() === START);
  const to = lines.findIndex((l) => l.trim() === END);
  if (from < 0 || to < from) throw new Error(`README: no ${START} … ${END} section`);
  const steps: WalkthroughStep[] = [];
  let inBlock = false;
  let current: { command: string; line: number; expected: string[]; exitCode: number } | null =
    null;
  let continued = false;
  const flush = () => {
    if (current !== null) steps.push(current);
    current = null;
  };
  for (let i = from + 1; i < to; i++) {
    const l = lines[i] ?? '';
    if (!inBlock) {
      inBlock = l.trim() === '```console';
      continue;
    }
    if (l.trim() === '```') {
      flush();
      inBlock = false;
      continue;
    }
    if (continued && current !== null) {
      current.command += `\n${l}`;
      continued = l.endsWith('\\');
      continue;
    }
    if (l.startsWith('$ ')) {
      flush();
      current = { command: l.slice(2), line: i + 1, expected: [], exitCode: 0 };
      continued = l.endsWith('\\');
      continue;
    }
    if (current === null) {
      if (l.trim() !== '') throw new Error(`README line ${i + 1}: output before any "$ " command`);
      continue;
    }
    const exit = EXIT.exec(l.trim());
    if (exit !== null) current.exitCode = Number(exit[1]);
    else if (l.trim() !== '') current.expected.push(l);
  }
  if (inBlock) throw new Error('README: a ```console block in the walkthrough is not closed');
  return steps;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One promised line as a pattern over one output line. */
export function linePattern(expected: string): RegExp {
  const body = expected
    .trim()
    .split('…')
    .map((part) => part.split(/ +/).map(escape).join(' +'))
    .join('.*');
  return new RegExp(`^\\s*${body}\\s*$`);
}

/**
 * The first promised line the output does not show, in order; null when
 * the output keeps every promise.
 */
export function firstUnmet(expected: readonly string[], output: string): string | null {
  const out = output.split('\n');
  let at = 0;
  for (const e of expected) {
    const re = linePattern(e);
    while (at < out.length && !re.test(out[at] ?? '')) at++;
    if (at >= out.length) return e;
    at++;
  }
  return null;
}
