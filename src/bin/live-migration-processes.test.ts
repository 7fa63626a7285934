import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { ensureBuilt, spawnVfleet, type VfleetProcess } from '../testing/built-cli.js';
import { basicCatalog, type FleetApi } from '../testing/fleet-sim.js';
import { httpFleet } from '../testing/http-fleet.js';
import {
  PAIR as HOSTS,
  agentRound,
  expectWholeOn,
  itEndsAfterEachStop,
  instanceOf,
  joinRenderOnly,
  WEB,
  lastMigration,
  type MigrationOut,
} from '../testing/render-only-pair.js';
import { pgCluster, stopPgCluster } from '../testing/store-targets.js';

/**
 * A live migration survives its controller: `vfleet controller` processes
 * on one throwaway PostgreSQL; the one that starts a migration is killed
 * with SIGKILL (VFLEET_TEST_KILL_AT) before or after each effect of each
 * step, forward and in a rollback, and a second controller, running all
 * along, takes the migration over once the lease (2 s) runs out. Each time
 * the migration ends done or rolled back with the instance whole on one
 * host, its end told by one event, and the next case migrates the same
 * instance again. The hosts are render-only agents played by the test over
 * HTTP (as the lab guests are). The same cases run in one process on
 * PGlite in src/controller/live-migration-takeover.test.ts.
 */
const LEASE_ENV = { VFLEET_LIVE_MIGRATION_LEASE_SECONDS: '2' };
let dir: string;
let databaseUrl: string;
let standby: { p: VfleetProcess; url: string };
let api: FleetApi;
let admin: string;
let instanceId: string;
let portId: string;
const procs: VfleetProcess[] = [];
const agentTokens = new Map<string, string>();
/** Hosts whose agent refuses a definition handed to it (the rollback cases). */
const refuseDefine = new Set<string>();
let agentsRunning = true;
let agentLoops: Promise<void>[] = [];

async function startController(name: string, env: Record<string, string> = {}) {
  const p = spawnVfleet(['controller', '--listen', '127.0.0.1:0', '--data-dir', join(dir, name)], {
    DATABASE_URL: databaseUrl,
    VFLEET_URL: '',
    VFLEET_TOKEN: '',
    ...LEASE_ENV,
    ...env,
  });
  procs.push(p);
  const url = (await p.waitFor(/controller: (http:\/\/127\.0\.0\.1:\d+)/))[1] ?? '';
  return { p, url };
}

/** One render-only agent: answers its tasks and reports its domains, every 50 ms. */
async function agentLoop(host: string): Promise<void> {
  const token = agentTokens.get(host) ?? '';
  while (agentsRunning) {
    // A controller restarting makes a round fail; the next round asks again.
    await agentRound(api, host, token, refuseDefine.has(host)).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function until<T>(what: string, probe: () => Promise<T | null>, ms = 40_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const instance = () => instanceOf(api, instanceId);

beforeAll(async () => {
  await ensureBuilt();
  dir = await mkdtemp(join(tmpdir(), 'vfleet-live-'));
  databaseUrl = await (await pgCluster()).createDatabase(`live_${String(Date.now())}`);
  standby = await startController('standby');
  admin = (await readFile(join(dir, 'standby', 'admin-token'), 'utf8')).trim();
  api = httpFleet(standby.url, admin);
  await basicCatalog(api, 4);
  for (const [i, h] of HOSTS.entries())
    agentTokens.set(h, await joinRenderOnly(api, h, 0x10 * (i + 1)));
  agentLoops = HOSTS.map((h) => agentLoop(h));
  // Ready once each agent applied its first desired state (its loop runs every 100 ms).
  const created = await until('a host to boot on', async () => {
    const r = await api.call('POST', '/v1/instances', admin, WEB);
    return r.status === 201 ? r.body : null;
  });
  instanceId = String(created.id);
  portId = String((created.ports as { id: string }[])[0]?.id);
  await until('the first domain report', async () =>
    (await instance()).vm.state === 'rendered' ? true : null,
  );
}, 300_000);

afterAll(async () => {
  agentsRunning = false;
  await Promise.all(agentLoops);
  for (const p of procs) await p.stop('SIGKILL');
  await stopPgCluster();
  await rm(dir, { recursive: true, force: true });
});

let n = 0;
/**
 * Migrates the instance to the other host through a controller that dies
 * at `point`; the standby finishes it. Returns how it ended.
 */
async function migrateKilledAt(point: string, rollback: boolean): Promise<MigrationOut> {
  const from = (await instance()).host;
  const to = HOSTS.find((h) => h !== from) ?? '';
  if (rollback) refuseDefine.add(to);
  const doomed = await startController(`doomed-${String(++n)}`, { VFLEET_TEST_KILL_AT: point });
  const died = new Promise<NodeJS.Signals | null>((r) => {
    if (doomed.p.child.exitCode !== null || doomed.p.child.signalCode !== null)
      r(doomed.p.child.signalCode);
    else
      doomed.p.child.once('exit', (_code, signal) => {
        r(signal);
      });
  });
  // The answer may not come: the process can die before it answers.
  await httpFleet(doomed.url, admin)
    .call('POST', `/v1/instances/${instanceId}/migrate`, admin, { host: to })
    .then((r) => {
      expect(r.status, JSON.stringify(r.body)).toBe(202);
    })
    .catch((e: unknown) => {
      if (!(e instanceof TypeError)) throw e;
    });
  expect(await died).toBe('SIGKILL');
  const m = await until('the migration to end', async () => {
    const last = await lastMigration(api, instanceId);
    return last !== null && last.state !== 'running' ? last : null;
  });
  refuseDefine.clear();
  await expectWholeOn(api, instanceId, rollback ? from : to, m);
  // The agent of the host it is on reports its domain again: it is migratable.
  await until('the domain reported on its host', async () =>
    (await instance()).vm.state === 'rendered' ? true : null,
  );
  return m;
}

describe('a live migration whose controller is killed', () => {
  itEndsAfterEachStop('by another controller', () => portId, migrateKilledAt, {
    forward: 170_000,
    rollback: 90_000,
  });
});
