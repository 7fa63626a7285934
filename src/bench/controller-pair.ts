import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnVfleet, type VfleetProcess } from '../testing/built-cli.js';
import type { FleetApi } from '../testing/fleet-sim.js';
import { httpFleet } from '../testing/http-fleet.js';
import { freePort } from '../testing/pg-cluster.js';

/**
 * Two `vfleet controller` processes (the built binary) on one PostgreSQL
 * database, each on an address of its own that it keeps when it is killed
 * and started again, as two replicas behind a load balancer.
 */
export interface ControllerPair {
  /** The two as clients see them (the same admin token on both). */
  readonly apis: readonly [FleetApi, FleetApi];
  readonly admin: string;
  url(i: number): string;
  up(i: number): boolean;
  /** SIGKILL: no goodbye, its transactions cut where they stood. */
  kill(i: number): Promise<void>;
  start(i: number): Promise<void>;
  /** Everything the controllers printed (stdout, then stderr), killed ones included. */
  output(): string;
  close(): Promise<void>;
}

export async function startControllerPair(
  databaseUrl: string,
  dir: string,
): Promise<ControllerPair> {
  const slots: { port: number; dataDir: string; proc: VfleetProcess | null }[] = [];
  for (const name of ['a', 'b'])
    slots.push({ port: await freePort(), dataDir: join(dir, name), proc: null });
  const url = (i: number) => `http://127.0.0.1:${String(slots[i]?.port ?? 0)}`;
  const start = async (i: number) => {
    const s = slots[i];
    if (s?.proc !== null) return;
    const p = spawnVfleet(
      ['controller', '--listen', `127.0.0.1:${String(s.port)}`, '--data-dir', s.dataDir],
      { DATABASE_URL: databaseUrl, VFLEET_URL: '', VFLEET_TOKEN: '' },
    );
    s.proc = p;
    await p.waitFor(/controller: http:\/\/127\.0\.0\.1:\d+/, 120_000);
  };
  const ended: string[] = [];
  const printed = (p: VfleetProcess) => `${p.stdout()}${p.stderr()}`;
  const kill = async (i: number) => {
    const s = slots[i];
    const p = s?.proc;
    if (s === undefined || p == null) return;
    s.proc = null;
    await p.stop('SIGKILL');
    ended.push(printed(p));
  };
  const close = async () => {
    for (let i = 0; i < slots.length; i++) await kill(i);
  };
  try {
    // One after the other: the first creates the admin token, the second finds it.
    await start(0);
    await start(1);
    const admin = (await readFile(join(slots[0]?.dataDir ?? '', 'admin-token'), 'utf8')).trim();
    return {
      apis: [httpFleet(url(0), admin), httpFleet(url(1), admin)],
      admin,
      url,
      up: (i) => slots[i]?.proc != null,
      kill,
      start,
      output: () =>
        [...ended, ...slots.flatMap((s) => (s.proc === null ? [] : [printed(s.proc)]))].join(''),
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
