import { existsSync, readdirSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createExecRunner } from '../adapters/exec/exec-runner.js';

/**
 * A throwaway PostgreSQL cluster in a temp folder, from Debian's
 * `postgresql` package (initdb, pg_ctl), listening on 127.0.0.1 only. The
 * controller's tests run on it as well as on PGlite; without the binaries
 * they fail, they never skip.
 */
export interface PgCluster {
  readonly url: (database: string) => string;
  /** A new empty database; each test file takes its own. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

const runner = createExecRunner({ path: process.env.PATH, env: process.env });

export function findPgBin(): string {
  const dirs = [
    ...(process.env.PATH ?? '').split(':'),
    ...(existsSync('/usr/lib/postgresql')
      ? readdirSync('/usr/lib/postgresql')
          .filter((v) => /^\d+$/.test(v))
          .sort((a, b) => Number(b) - Number(a))
          .map((v) => join('/usr/lib/postgresql', v, 'bin'))
      : []),
  ];
  const dir = dirs.find(
    (d) => d !== '' && existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl')),
  );
  if (dir === undefined) {
    throw new Error(
      'PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or in /usr/lib/postgresql/*/bin: ' +
        "install Debian's postgresql package (scripts/setup does); the controller tests need a real PostgreSQL",
    );
  }
  return dir;
}

/** A TCP port on 127.0.0.1 free right now (the kernel picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => {
        resolve(port);
      });
    });
  });
}

export interface PgClusterOptions {
  /**
   * Commit as a production operator runs PostgreSQL (fsync, synchronous
   * commit, full-page writes: PostgreSQL's defaults), for benchmarks whose
   * figures must not be flattered. Tests leave it off: they prove
   * behaviour, and losing a throwaway cluster on a crash costs nothing.
   */
  readonly durable?: boolean;
}

export async function startPgCluster(o: PgClusterOptions = {}): Promise<PgCluster> {
  const bin = findPgBin();
  const dir = await mkdtemp(join(tmpdir(), 'vfleet-pg-'));
  const data = join(dir, 'data');
  // initdb refuses to run as root: run the server as the postgres user then.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const u = await runner.run('id', ['-u', 'postgres']);
    const g = await runner.run('id', ['-g', 'postgres']);
    if (u.exitCode !== 0)
      throw new Error('running as root but there is no postgres user to run PostgreSQL as');
    await chown(dir, Number(u.stdout.trim()), Number(g.stdout.trim()));
    await chmod(dir, 0o700);
  }
  const run = async (prog: string, args: string[]) => {
    const argv = asRoot
      ? (['runuser', ['-u', 'postgres', '--', join(bin, prog), ...args]] as const)
      : ([join(bin, prog), args] as const);
    const r = await runner.run(argv[0], argv[1], { timeoutMs: 60_000 });
    if (r.exitCode !== 0)
      throw new Error(`${prog} failed (${r.exitCode}): ${r.stderr || r.stdout}`);
  };
  await run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  const opts = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${dir}`,
    ...(o.durable === true
      ? []
      : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
    '-c max_connections=300',
  ].join(' ');
  await run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-o', opts, '-w', '-t', '60', 'start']);
  const url = (db: string) => `postgres://postgres@127.0.0.1:${port}/${db}`;
  return {
    url,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: url('postgres') });
      await client.connect();
      try {
        await client.query(`create database "${name.replace(/"/g, '')}"`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    async stop() {
      await run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
