import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bareCli } from '../testing/bare-cli.js';
import type { CliDeps } from './cli-deps.js';
import { commandTree } from './command-tree.js';
import { buildProgram } from './program.js';

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vfleet-docs-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const paths = commandTree(
  buildProgram({ out: () => undefined, err: () => undefined } as unknown as CliDeps),
).map((n) => n.path.join(' '));

describe('vfleet completion bash', () => {
  let script: string;
  beforeAll(async () => {
    const r = await bareCli(['completion', 'bash']);
    expect(r.exitCode).toBe(0);
    script = join(dir, 'vfleet.bash');
    await writeFile(script, r.stdout);
  });

  /** What a real bash's completion function offers for these words (the last is being typed). */
  const complete = async (...words: string[]): Promise<string[]> => {
    const arr = words.map((w) => `'${w}'`).join(' ');
    const { stdout } = await run('bash', [
      '--norc',
      '-c',
      `source "$1"; COMP_WORDS=(${arr}); COMP_CWORD=${words.length - 1}; _vfleet; printf '%s\\n' "\${COMPREPLY[@]}"`,
      'bash',
      script,
    ]);
    return stdout.split('\n').filter((l) => l !== '');
  };

  it('commands, subcommands, options and fixed option values', async () => {
    expect(await complete('vfleet', 'ins')).toEqual(['instance']);
    expect(await complete('vfleet', 'instance', 'cr')).toEqual(['create']);
    expect(await complete('vfleet', 'hosts', 'show', '-o', '')).toEqual(['table', 'json', 'yaml']);
    expect(await complete('vfleet', 'instance', 'create', '--memory')).toEqual(['--memory-mb']);
    // An option's value is not taken for a subcommand: `-o json` then the verb.
    expect(await complete('vfleet', 'instance', 'list', '-o', 'json', '--no-')).toEqual([]);
    expect(await complete('vfleet', 'controller', '--weigher', '')).toEqual(['pack', 'spread']);
  });

  it('the top level lists every group', async () => {
    const top = paths.filter((p) => p.split(' ').length === 2).map((p) => p.split(' ')[1]);
    expect((await complete('vfleet', '')).sort()).toEqual(top.sort());
  });
});

describe('vfleet completion zsh', () => {
  it('is a #compdef script with the same tables', async () => {
    const r = await bareCli(['completion', 'zsh']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^#compdef vfleet\n/);
    expect(r.stdout).toContain(`'vfleet hosts show|-o' 'table json yaml'`);
    // zsh itself (scripts/setup installs it): the script parses and its tables load.
    const file = join(dir, '_vfleet');
    await writeFile(file, r.stdout);
    await run('zsh', ['-n', file]);
    const loaded = await run('zsh', [
      '-fc',
      `compdef() { :; }; source ${file}; print -r -- "\${_vfleet_subs[vfleet instance]}"`,
    ]);
    expect(loaded.stdout.trim().split(' ')).toContain('migrate');
  });

  it('an unknown shell is refused', async () => {
    const r = await bareCli(['completion', 'fish']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('bash, zsh');
  });
});

describe('vfleet man', () => {
  it('writes vfleet(1), which groff renders without a warning, with every command', async () => {
    const r = await bareCli(['man', '--dir', dir]);
    expect(r).toMatchObject({ exitCode: 0, stdout: `wrote ${join(dir, 'vfleet.1')}\n` });
    const page = join(dir, 'vfleet.1');
    const lint = await run('groff', ['-man', '-Tutf8', '-ww', '-z', page]);
    expect(lint.stderr).toBe('');
    const text = (await run('groff', ['-man', '-Tutf8', '-P-cbou', page])).stdout.replace(
      /[\u2010\u2212]/g,
      '-',
    );
    for (const p of paths.slice(1)) expect(text).toContain(p);
    expect(text).toContain('--memory-mb');
    expect(text).toMatch(/EXIT STATUS[\s\S]*\b2\s+INVALID_INPUT/);
    expect(await readFile(page, 'utf8')).toBe((await bareCli(['man'])).stdout);
  });
});
