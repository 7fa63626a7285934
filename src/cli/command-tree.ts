import type { Command, Option } from 'commander';

/**
 * The command tree as data: the unknown-command check, shell completion and
 * man pages all read it, so none of them can drift from the commands.
 */
export interface TreeNode {
  /** Words from the program's name down, e.g. ['vfleet', 'instance', 'create']. */
  readonly path: readonly string[];
  readonly command: Command;
}

/** Every command, the program first, parents before their subcommands. */
export function commandTree(program: Command): TreeNode[] {
  const out: TreeNode[] = [];
  const walk = (c: Command, path: readonly string[]) => {
    out.push({ path, command: c });
    for (const s of visibleCommands(c)) walk(s, [...path, s.name()]);
  };
  walk(program, [program.name()]);
  return out;
}

/** Subcommands, without commander's implicit `help`. */
export const visibleCommands = (c: Command): Command[] =>
  c.commands.filter((s) => !(s as unknown as { _hidden?: boolean })._hidden);

/** The subcommand a group runs when given none (commander keeps it private). */
export const defaultCommandName = (c: Command): string | undefined =>
  (c as unknown as { _defaultCommandName?: string })._defaultCommandName;

/** The fixed values an option takes (`-o table|json|yaml`), from its choices or its help text. */
export function optionValues(o: Option): readonly string[] {
  if (o.argChoices !== undefined) return o.argChoices;
  const m = /: ([a-z0-9-]+(?:\|[a-z0-9-]+)+)/.exec(o.description);
  return m?.[1]?.split('|') ?? [];
}

/** Whether the option consumes the next word as its value. */
export const takesValue = (o: Option): boolean => o.required || o.optional;

/**
 * A word where a subcommand was expected that names none: the group that got
 * it, the word and the nearest subcommand. Commander would hand the word to
 * the group's default subcommand (`instance craete` -> "too many arguments
 * for 'list'") or answer in its own words; this finds it first so every
 * group answers alike. Unknown options and `--` end the walk: commander
 * reports those.
 */
export function findUnknownCommand(
  program: Command,
  argv: readonly string[],
): { group: readonly string[]; word: string; suggestion: string | null } | null {
  let cmd = program;
  const path = [program.name()];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] ?? '';
    if (word === '--') return null;
    if (word.startsWith('-') && word !== '-') {
      const name = word.includes('=') ? word.slice(0, word.indexOf('=')) : word;
      const opt = cmd.options.find((o) => o.long === name || o.short === name);
      if (opt === undefined) return null;
      if (takesValue(opt) && !word.includes('=')) i++;
      continue;
    }
    const subs = visibleCommands(cmd);
    if (subs.length === 0) return null;
    const next = subs.find((s) => s.name() === word || s.aliases().includes(word));
    if (next !== undefined) {
      cmd = next;
      path.push(next.name());
      continue;
    }
    if (word === 'help') return null;
    // A default subcommand with arguments of its own takes the word as one.
    const dflt = subs.find((s) => s.name() === defaultCommandName(cmd));
    if (dflt !== undefined && dflt.registeredArguments.length > 0) return null;
    return {
      group: path,
      word,
      suggestion: nearest(
        word,
        subs.map((s) => s.name()),
      ),
    };
  }
  return null;
}

/** The closest name within a few edits (a typo, not another command). */
export function nearest(word: string, names: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const n of names) {
    const d = n.startsWith(word) && word.length >= 2 ? 1 : distance(word, n);
    if (d < bestD) [best, bestD] = [n, d];
  }
  return bestD <= Math.max(1, Math.floor((best?.length ?? 0) / 3)) ? best : null;
}

/** Damerau-Levenshtein (adjacent swaps count one): `craete` is one edit from `create`. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => d[i]?.[j] ?? Infinity;
  for (let i = 1; i <= a.length; i++) {
    const row = d[i] ?? [];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, at(i - 2, j - 2) + 1);
      row[j] = v;
    }
  }
  return at(a.length, b.length);
}
