import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { openStore } from '../adapters/store/open-store.js';
import { harnessOn, type Harness } from '../testing/controller-harness.js';
import { basicCatalog } from '../testing/fleet-sim.js';
import { pgliteTemplate } from '../testing/pglite-template.js';
import {
  PAIR,
  agentRound,
  expectWholeOn,
  itEndsAfterEachStop,
  instanceOf,
  joinRenderOnly,
  WEB,
  lastMigration,
  must,
  type MigrationOut,
} from '../testing/render-only-pair.js';
import { DEFAULT_CONFIG } from './controller-deps.js';
import { createLiveMigrationReconciler } from './live-migration-reconciler.js';

/**
 * A live migration survives its controller on the embedded store too:
 * PGlite is one process's, so the controller is in this process, on a
 * data folder. It is stopped before or after each effect of each step,
 * forward and in a rollback (its reconciler's hook throws there: nothing
 * after that point runs, as after a SIGKILL), its store is closed, and a
 * controller opened again on the same folder, once the lease ran out,
 * continues the migration to its end: done or rolled back, the instance
 * whole on one host, the end told by one event, and migratable again.
 * The render-only agents are played by the test between reconciler passes.
 */
const LEASE_MS = DEFAULT_CONFIG.liveMigrations.leaseMs;
let dir: string;
let h: Harness;
let instanceId: string;
let portId: string;
const agents = new Map<string, string>();
const refuseDefine = new Set<string>();

/** The first open starts the folder from a dump (initdb in WebAssembly costs ~10 s); later ones reopen it. */
async function open(clock: number, template?: Blob): Promise<Harness> {
  const store = await openStore({
    kind: 'pglite',
    dataDir: dir,
    ...(template === undefined ? {} : { template }),
  });
  const opened = await harnessOn(store, null);
  opened.clock = clock;
  return opened;
}

/** Every agent answers its tasks and reports its desired state applied. */
async function agentsRound(): Promise<void> {
  for (const host of PAIR)
    await agentRound(h, host, agents.get(host) ?? '', refuseDefine.has(host));
}

/** One reconciler pass of a controller named `owner`; `stopAt` makes it die there. */
async function pass(owner: string, stopAt?: string): Promise<boolean> {
  let died = false;
  const r = createLiveMigrationReconciler(h.deps, {
    owner,
    log: () => undefined,
    hook: (step, at) => {
      if (`${step}@${at}` !== stopAt) return;
      died = true;
      throw new Error(`${owner} stopped at ${stopAt}`);
    },
  });
  r.kick();
  await r.stop();
  return died;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vfleet-takeover-'));
  h = await open(Date.parse('2030-01-01T00:00:00Z'), await pgliteTemplate());
  await basicCatalog(h, 4);
  for (const [i, host] of PAIR.entries())
    agents.set(host, await joinRenderOnly(h, host, 0x10 * (i + 1)));
  await agentsRound();
  const created = await must(h.call('POST', '/v1/instances', h.admin, WEB), 201, 'create');
  instanceId = String(created.id);
  portId = String((created.ports as { id: string }[])[0]?.id);
  await agentsRound();
}, 60_000);

afterAll(async () => {
  await h.close();
  await rm(dir, { recursive: true, force: true });
});

let n = 0;
/**
 * Migrates the instance to the other host; its controller dies at `point`,
 * and one opened again on the same data folder finishes it.
 */
async function migrateStoppedAt(point: string, rollback: boolean): Promise<MigrationOut> {
  const from = (await instanceOf(h, instanceId)).host;
  const to = PAIR.find((x) => x !== from) ?? '';
  if (rollback) refuseDefine.add(to);
  await must(
    h.call('POST', `/v1/instances/${instanceId}/migrate`, h.admin, { host: to }),
    202,
    'migrate',
  );
  const doomed = `doomed-${String(++n)}`;
  for (let i = 0; !(await pass(doomed, point)); i++) {
    if (i > 20) throw new Error(`never reached ${point}`);
    await agentsRound();
  }
  await h.close();
  h = await open(h.clock + LEASE_MS + 1);
  let m = await lastMigration(h, instanceId);
  for (let i = 0; m?.state === 'running'; i++) {
    if (i > 20) throw new Error(`${point}: the migration did not end`);
    await pass(`restarted-${String(n)}`);
    await agentsRound();
    m = await lastMigration(h, instanceId);
  }
  if (m === null) throw new Error('no migration');
  refuseDefine.clear();
  await expectWholeOn(h, instanceId, rollback ? from : to, m);
  // The agent of the host it is on reports its domain again: it is migratable.
  await agentsRound();
  expect((await instanceOf(h, instanceId)).vm.state).toBe('rendered');
  return m;
}

describe('a live migration whose embedded controller stops', () => {
  itEndsAfterEachStop('once it is opened again', () => portId, migrateStoppedAt, {
    forward: 120_000,
    rollback: 60_000,
  });
});
