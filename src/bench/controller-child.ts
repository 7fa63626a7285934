import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../testing/pg-cluster.js';

/**
 * `vfleet controller` (the built CLI) in its own process, on PostgreSQL or
 * (databaseUrl null) its embedded PGlite store in a throwaway data folder, so a
 * bench reads the controller's CPU and memory alone from /proc/PID. Started
 * with `--cpu-prof` into `profileDir` when given, and `--heap-prof` (what
 * is allocated and still held, sampled) into `heapProfileDir`: both are
 * written when it exits.
 */
export interface ControllerChild {
  readonly pid: number;
  readonly url: string;
  readonly adminToken: string;
  /** Its data folder (admin token, log, the embedded store): removed by stop(). */
  readonly dataDir: string;
  /** What it logged so far (JSON lines, one per request at the default level). */
  logText(): Promise<string>;
  /** SIGTERM, then the exit code (the CPU profile is written by then). */
  stop(): Promise<number | null>;
}

export async function startControllerChild(o: {
  /** null: the embedded store in the data folder. */
  databaseUrl: string | null;
  /** The CLI to run (default dist/bin/vfleet.js beside this file; a test under src/ passes the launcher). */
  cli?: string;
  profileDir?: string;
  heapProfileDir?: string;
  env?: Readonly<Record<string, string>>;
}): Promise<ControllerChild> {
  const dir = await mkdtemp(join(tmpdir(), 'vfleet-bench-ctl-'));
  const port = await freePort();
  const cli = o.cli ?? join(import.meta.dirname, '..', 'bin', 'vfleet.js');
  const flags = [
    ...(o.profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', o.profileDir]),
    ...(o.heapProfileDir === undefined ? [] : ['--heap-prof', '--heap-prof-dir', o.heapProfileDir]),
  ];
  const child = spawn(
    process.execPath,
    [...flags, cli, 'controller', '--listen', `127.0.0.1:${port}`, '--data-dir', dir],
    {
      // An empty DATABASE_URL counts as unset: an inherited one must not pick the store.
      env: { ...process.env, ...o.env, DATABASE_URL: o.databaseUrl ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  // Its log (one line per request at the default level) is written, as in production, to a file.
  const log = createWriteStream(join(dir, 'controller.log'));
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise<number | null>((r) =>
    child.once('exit', (code) => {
      r(code);
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const tokenFile = join(dir, 'admin-token');
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    // A controller that does not stop is a finding, not a reason for the bench to hang.
    const late = setTimeout(() => {
      process.stderr.write(
        `bench: controller ${String(child.pid)} still running 60 s after SIGTERM; killed\n`,
      );
      child.kill('SIGKILL');
    }, 60_000);
    const code = await exited;
    clearTimeout(late);
    log.end();
    await rm(dir, { recursive: true, force: true });
    return code;
  };
  try {
    for (let t = 0; ; t++) {
      if (child.exitCode !== null) {
        throw new Error(
          `controller exited ${child.exitCode}: ${await readFile(join(dir, 'controller.log'), 'utf8')}`,
        );
      }
      if (existsSync(tokenFile)) {
        const ok = await fetch(`${url}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) break;
      }
      if (t > 600) throw new Error('controller did not start within 60 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (e) {
    // A controller that failed to start leaves neither a process nor its folder behind.
    await stop();
    throw e;
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error('controller has no pid');
  return {
    pid,
    url,
    dataDir: dir,
    logText: () => readFile(join(dir, 'controller.log'), 'utf8'),
    adminToken: (await readFile(tokenFile, 'utf8')).trim(),
    stop,
  };
}
