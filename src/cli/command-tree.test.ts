import { describe, expect, it } from 'vitest';
import { bareCli } from '../testing/bare-cli.js';
import type { CliDeps } from './cli-deps.js';
import { commandTree, nearest, visibleCommands } from './command-tree.js';
import { buildProgram } from './program.js';

const program = buildProgram({ out: () => undefined, err: () => undefined } as unknown as CliDeps);
const groups = commandTree(program).filter((n) => visibleCommands(n.command).length > 0);

/** `create` -> `craete`: the two letters after the first swapped. */
const typo = (w: string) => `${w.slice(0, 1)}${w.slice(2, 3)}${w.slice(1, 2)}${w.slice(3)}`;

describe('unknown subcommands', () => {
  it('the README case: instance craete', async () => {
    const r = await bareCli(['instance', 'craete', 'vm1', '--vcpus', '1']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(
      "vfleet instance: unknown command 'craete' (did you mean 'create'?)\n" +
        "run 'vfleet instance --help' for its commands\n",
    );
  });

  it.each(groups.map((g) => [g.path.join(' '), g] as const))(
    '%s answers a word that is none of its commands, and suggests the nearest',
    async (name, g) => {
      expect(groups.length).toBeGreaterThan(10);
      const words = g.path.slice(1);
      const junk = await bareCli([...words, 'zzqx']);
      expect(junk.exitCode).toBe(2);
      expect(junk.stderr).toMatch(new RegExp(`^${name}: unknown command 'zzqx'\\n`));
      const real = visibleCommands(g.command)
        .map((c) => c.name())
        .find((n) => n.length >= 5 && typo(n) !== n);
      if (real === undefined) return;
      const near = await bareCli([...words, typo(real)]);
      expect(near.exitCode).toBe(2);
      expect(near.stderr).toContain(
        `${name}: unknown command '${typo(real)}' (did you mean '${real}'?)`,
      );
    },
  );

  it('nearest: a typo, a prefix, or nothing', () => {
    expect(nearest('craete', ['list', 'create', 'delete'])).toBe('create');
    expect(nearest('inst', ['instance', 'host'])).toBe('instance');
    expect(nearest('frobnicate', ['list', 'create'])).toBeNull();
  });
});
