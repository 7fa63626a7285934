import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Json } from '../testing/controller-harness.js';
import { ensureBuilt, spawnVfleet, type VfleetProcess } from '../testing/built-cli.js';
import { basicCatalog, simInventory, SIM_IMAGES, type FleetApi } from '../testing/fleet-sim.js';
import { httpFleet } from '../testing/http-fleet.js';
import { pgCluster, stopPgCluster } from '../testing/store-targets.js';

/**
 * A live migration survives its controller: `vfleet controller` processes
 * on one throwaway PostgreSQL; the one that starts a migration is killed
 * with SIGKILL (VFLEET_TEST_KILL_AT) before or after each effect of each
 * step, forward and in a rollback, and a second controller, running all
 * along, takes the migration over once the lease (2 s) runs out. Each time
 * the migration ends done or rolled back with the instance whole on one
 * host, and the next case migrates the same instance again. The hosts are
 * render-only agents played by the test over HTTP (as the lab guests are).
 */
const LEASE_ENV = { VFLEET_LIVE_MIGRATION_LEASE_SECONDS: '2' };
const HOSTS = ['ro-a', 'ro-b'] as const;
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

const must = async (r: Promise<{ status: number; body: Json }>, status: number, what: string) => {
  const res = await r;
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
};

/** One render-only agent: answers its tasks and reports its domains, every 50 ms. */
async function agentLoop(host: string): Promise<void> {
  const token = agentTokens.get(host) ?? '';
  while (agentsRunning) {
    try {
      const d = await api.call('GET', `/v1/agent/hosts/${host}/desired?waitSeconds=0`, token);
      const body = d.body as {
        generation: number;
        domains: { instanceId: string; state: string }[];
        tasks: { id: string; op: string }[];
      };
      for (const t of body.tasks) {
        const refuse = t.op === 'define-domain' && refuseDefine.has(host);
        await api.call('POST', `/v1/agent/hosts/${host}/tasks/${t.id}`, token, {
          ok: !refuse,
          message: refuse ? 'definition refused (test)' : null,
        });
      }
      await api.call('POST', `/v1/agent/hosts/${host}/applied`, token, {
        generation: body.generation,
        ok: true,
        domains: body.domains.map((x) => ({
          instanceId: x.instanceId,
          state: x.state === 'absent' ? 'absent' : 'running',
          message: null,
          hypervisor: 'render-only',
        })),
      });
    } catch {
      // A controller restarting; the next round asks again.
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function joinRenderOnly(host: string, bus: number): Promise<void> {
  const token = await api.token('agent', { host });
  agentTokens.set(host, token);
  await must(api.call('POST', '/v1/agent/register', token, { host, labels: {} }), 200, 'register');
  const spec = { name: host, pfs: 1, vfsPerPf: 4, pfNuma: () => 0 };
  const report = {
    inventory: simInventory(spec, bus),
    findings: [],
    numaNodes: [{ node: 0, socket: 0, cpus: 8, cpuList: [0, 1, 2, 3, 4, 5, 6, 7] }],
    memoryMb: 8192,
    images: SIM_IMAGES,
    hypervisor: { kind: 'render-only', migrationUri: null, reason: 'no libvirt (test)' },
  };
  await must(api.call('POST', `/v1/agent/hosts/${host}/report`, token, report), 200, 'report');
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

interface InstanceOut {
  host: string;
  ports: { id: string; host: string; pciAddress: string }[];
  vm: { state: string | null };
}
const instance = async () =>
  (await must(
    api.call('GET', `/v1/instances/${instanceId}`, admin),
    200,
    'instance',
  )) as unknown as InstanceOut;

interface MigrationOut {
  id: string;
  state: string;
  report: { progress: { step: string; status: string }[]; failedStep?: string | null };
}
const lastMigration = async () => {
  const b = await must(
    api.call('GET', `/v1/instances/${instanceId}/migrations`, admin),
    200,
    'list',
  );
  return (b.items as MigrationOut[])[0] ?? null;
};

/** The instance is on `host` alone: one VF allocated to it there, nothing held on the other host. */
async function expectWholeOn(host: string): Promise<void> {
  const inst = await instance();
  expect([inst.host, inst.ports[0]?.host]).toEqual([host, host]);
  for (const h of HOSTS) {
    const d = await must(api.call('GET', `/v1/hosts/${h}`, admin), 200, 'host');
    const vfs = (d.pfs as { vfs: { state: string; instance: string | null }[] }[]).flatMap(
      (p) => p.vfs,
    );
    // Every VF that is not free is the instance's: a VF held twice (a claim repeated by the
    // controller that took over) would show here, reserved or allocated to no port.
    const taken = vfs.filter((v) => v.state !== 'free').map((v) => [v.state, v.instance]);
    expect(taken, h).toEqual(h === host ? [['allocated', 'web']] : []);
    const tasks = await api.call('GET', `/v1/agent/hosts/${h}/desired?waitSeconds=0`, admin);
    expect((tasks.body.tasks as unknown[]).length, `${h}: pending tasks`).toBe(0);
  }
  // The agent of the host it is on reports its domain again: it is migratable.
  await until('the domain reported on its host', async () =>
    (await instance()).vm.state === 'rendered' ? true : null,
  );
}

beforeAll(async () => {
  await ensureBuilt();
  dir = await mkdtemp(join(tmpdir(), 'vfleet-live-'));
  databaseUrl = await (await pgCluster()).createDatabase(`live_${String(Date.now())}`);
  standby = await startController('standby');
  admin = (await readFile(join(dir, 'standby', 'admin-token'), 'utf8')).trim();
  api = httpFleet(standby.url, admin);
  await basicCatalog(api, 4);
  await joinRenderOnly('ro-a', 0x10);
  await joinRenderOnly('ro-b', 0x20);
  agentLoops = HOSTS.map((h) => agentLoop(h));
  // Ready once each agent applied its first desired state (its loop runs every 100 ms).
  const created = await until('a host to boot on', async () => {
    const r = await api.call('POST', '/v1/instances', admin, {
      name: 'web',
      vcpus: 1,
      memoryMb: 256,
      tenant: 'acme',
      hostLabels: {},
      ports: [{ network: 'blue' }],
      boot: { image: 'vm.qcow2' },
    });
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
    const last = await lastMigration();
    return last !== null && last.state !== 'running' ? last : null;
  });
  refuseDefine.clear();
  await expectWholeOn(rollback ? from : to);
  return m;
}

describe('a live migration whose controller is killed', () => {
  const forward = () => [
    `reserve-target-vf:${portId}`,
    'migrate',
    'migrate#1',
    `confirm-target-vf:${portId}`,
    `release-source-vf:${portId}`,
  ];

  it('at every step, before and after its effect, is finished by another controller', async () => {
    const points = forward().flatMap((s) => [`${s}@before`, `${s}@after`]);
    for (const point of points) {
      const m = await migrateKilledAt(point, false);
      expect([point, m.state]).toEqual([point, 'done']);
    }
  }, 170_000);

  it('and in its rollback, is rolled back by another controller', async () => {
    const points = [
      'migrate@after',
      `undo reserve-target-vf:${portId}@before`,
      `undo reserve-target-vf:${portId}@after`,
    ];
    for (const point of points) {
      const m = await migrateKilledAt(point, true);
      expect([point, m.state, m.report.failedStep]).toEqual([point, 'rolled-back', 'migrate']);
    }
  }, 90_000);
});
