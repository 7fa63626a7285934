import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/** The repository, and the launcher the package installs as `vfleet`. */
export const repoDir = resolve(import.meta.dirname, '..', '..');
export const vfleetBin = join(repoDir, 'bin', 'vfleet.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
      newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Tests that run the real `vfleet` binary need dist/ to match src/: `npm
 * test` builds first; a test run on its own rebuilds when sources are newer.
 */
export async function ensureBuilt(): Promise<void> {
  let built = 0;
  try {
    built = statSync(join(repoDir, 'dist', 'bin', 'fleet-services.js')).mtimeMs;
  } catch {
    built = 0;
  }
  if (built >= newestSource(join(repoDir, 'src'))) return;
  const tsc = join(repoDir, 'node_modules', 'typescript', 'bin', 'tsc');
  await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: repoDir,
    timeout: 300_000,
  });
}

/** A `vfleet` process with its output collected as it comes. */
export interface VfleetProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** The first match of `re` in stdout; fails when the process exits first or after `ms`. */
  waitFor(re: RegExp, ms?: number): Promise<RegExpMatchArray>;
  /** Sends `signal` and resolves with the exit code (null: killed). */
  stop(signal?: NodeJS.Signals, ms?: number): Promise<number | null>;
}

export function spawnVfleet(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): VfleetProcess {
  const child = spawn(process.execPath, [vfleetBin, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<number | null>((r) =>
    child.once('exit', (code) => {
      r(code);
    }),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    async waitFor(re, ms = 60_000) {
      const end = Date.now() + ms;
      for (;;) {
        const m = re.exec(out);
        if (m) return m;
        if (child.exitCode !== null || Date.now() > end)
          throw new Error(`vfleet ${args.join(' ')}: no ${String(re)}:\n${out}\n${err}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async stop(signal = 'SIGTERM', ms = 15_000) {
      if (child.exitCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), ms);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
