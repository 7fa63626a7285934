import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCaptured } from '../adapters/exec/captured-exec.js';

/**
 * Drives the shared Placement kit (setup.sh, load.py, bench.py,
 * teardown.sh) as its README describes, through the exec adapter with argv
 * arrays. The kit's folder is read-only: every output goes to `outDir`.
 * The kit starts uwsgi and its own PostgreSQL and stops them by their
 * pidfiles, so only `teardown()` ever stops them.
 */
export interface KitConfig {
  /** The kit's folder (setup.sh, load.py, ...). */
  readonly dir: string;
  /** Environment for the kit's scripts (PATH, PB_STATE, PB_PORT, PB_PG_PORT). */
  readonly env: Readonly<Record<string, string>>;
  /** The kit's runtime state folder (PB_STATE): its PG socket and uwsgi pidfile live there. */
  readonly state: string;
  readonly port: number;
  readonly pgPort: number;
  /** Where load.py and bench.py write their JSON. */
  readonly outDir: string;
}

// The kit's README: always Debian's interpreter (it has requests, psycopg2 and Placement).
const PYTHON = '/usr/bin/python3';

export interface KitRun {
  /** Wall seconds of the step. */
  readonly seconds: number;
  readonly exitCode: number;
}

export interface PlacementKit {
  /** Installs (first time), starts PG + Placement, empty database. */
  freshDatabase(): Promise<KitRun>;
  load(
    o: { hosts: number; pfsPerHost: number; physnets: number; maxSeconds: number },
    name: string,
  ): Promise<KitRun & { json: unknown }>;
  /** ANALYZE after a load, as the kit's run_all.sh does. */
  analyze(): Promise<KitRun>;
  bench(hosts: number, args: readonly string[], name: string): Promise<KitRun & { json: unknown }>;
  teardown(): Promise<KitRun>;
  readonly url: string;
}

const tail = (b: Buffer, lines = 15) =>
  b.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');

export function placementKit(c: KitConfig, log: (line: string) => void): PlacementKit {
  const url = `http://127.0.0.1:${c.port}`;
  const run = async (what: string, argv: string[], timeoutMs: number, okCodes = [0]) => {
    log(`placement kit: ${what}`);
    const t0 = performance.now();
    const r = await runCaptured({ argv, env: c.env, cwd: c.dir, timeoutMs });
    const seconds = Math.round((performance.now() - t0) / 100) / 10;
    if (!okCodes.includes(r.exitCode)) {
      const why = r.timedOut ? `killed after ${timeoutMs / 1000} s` : `exit status ${r.exitCode}`;
      throw new Error(`placement kit ${what}: ${why}\n${tail(r.stderr)}\n${tail(r.stdout)}`);
    }
    return { seconds, exitCode: r.exitCode };
  };
  const readJson = async (file: string): Promise<unknown> =>
    JSON.parse(await readFile(file, 'utf8')) as unknown;
  const sock = join(c.state, 'pg', 'sock');
  return {
    url,
    freshDatabase: () =>
      // First run installs Debian packages (about a minute); later runs take seconds.
      run('setup.sh --fresh-db', [join(c.dir, 'setup.sh'), '--fresh-db'], 15 * 60_000),
    async load(o, name) {
      const out = join(c.outDir, `${name}.json`);
      // load.py exits 1 when some hosts failed; its JSON says which, and the caller decides.
      const r = await run(
        `load.py --hosts ${o.hosts} --pfs-per-host ${o.pfsPerHost}`,
        [
          PYTHON,
          join(c.dir, 'load.py'),
          ...['--url', url, '--hosts', String(o.hosts)],
          ...['--pfs-per-host', String(o.pfsPerHost), '--physnets', String(o.physnets)],
          ...['--max-seconds', String(o.maxSeconds), '--out', out],
        ],
        (o.maxSeconds + 120) * 1000,
        [0, 1],
      );
      return { ...r, json: await readJson(out) };
    },
    analyze: () =>
      run(
        'ANALYZE',
        [
          ...['runuser', '-u', 'postgres', '--', 'psql', '-h', sock, '-p', String(c.pgPort)],
          ...['-U', 'postgres', '-d', 'placement', '-qc', 'ANALYZE'],
        ],
        5 * 60_000,
      ),
    async bench(hosts, args, name) {
      const out = join(c.outDir, `${name}.json`);
      // bench.py exits 2 when its claim verification found a problem: the JSON has it.
      const r = await run(
        `bench.py ${args.join(' ')}`,
        [
          PYTHON,
          join(c.dir, 'bench.py'),
          ...['--url', url, '--hosts', String(hosts), '--label', name, '--out', out],
          ...['--db-dsn', `host=${sock} port=${c.pgPort} dbname=placement user=placement`],
          ...['--server-pidfile', join(c.state, 'run', 'uwsgi.pid')],
          ...args,
        ],
        30 * 60_000,
        [0, 2],
      );
      return { ...r, json: await readJson(out) };
    },
    teardown: () => run('teardown.sh', [join(c.dir, 'teardown.sh')], 5 * 60_000),
  };
}

/** What was compared: package versions and the machine, as an operator needs them. */
export async function describeEnvironment(env: Readonly<Record<string, string>>) {
  const out = async (argv: string[]) => {
    const r = await runCaptured({ argv, env, timeoutMs: 30_000 });
    return r.stdout.toString('utf8').trim();
  };
  const packages = await out([
    'dpkg-query',
    '-W',
    '-f=${Package} ${Version}\\n',
    ...['placement-api', 'python3-placement', 'postgresql-15', 'postgresql', 'uwsgi-core'],
  ]);
  const meminfo = await readFile('/proc/meminfo', 'utf8').catch(() => '');
  const memKb = /^MemTotal:\s+(\d+)/m.exec(meminfo)?.[1];
  return {
    packages: Object.fromEntries(
      packages
        .split('\n')
        .filter((l) => l.includes(' '))
        .map((l) => l.split(' ', 2) as [string, string]),
    ),
    machine: {
      nproc: Number(await out(['nproc'])),
      memoryMb: memKb === undefined ? null : Math.round(Number(memKb) / 1024),
      kernel: await out(['uname', '-r']),
      node: process.version,
    },
  };
}
