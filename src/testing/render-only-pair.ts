import { expect, it } from 'vitest';
import type { Json } from './controller-harness.js';
import { SIM_IMAGES, simInventory, type FleetApi } from './fleet-sim.js';

/**
 * Two render-only hosts whose agents the test plays over the API (as the
 * lab guests' agents would), and the checks of a migration between them
 * that a killed controller left to another: used on PostgreSQL with
 * `vfleet controller` processes and on PGlite in process.
 */
export const PAIR = ['ro-a', 'ro-b'] as const;

/** The instance that moves back and forth: one VF port on network blue (basicCatalog). */
export const WEB = {
  name: 'web',
  vcpus: 1,
  memoryMb: 256,
  tenant: 'acme',
  hostLabels: {},
  ports: [{ network: 'blue' }],
  boot: { image: 'vm.qcow2' },
};

export async function must(
  r: Promise<{ status: number; body: Json }>,
  status: number,
  what: string,
): Promise<Json> {
  const res = await r;
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Registers and reports a render-only host (one PF of 4 VFs); returns its agent's token. */
export async function joinRenderOnly(api: FleetApi, host: string, bus: number): Promise<string> {
  const token = await api.token('agent', { host });
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
  return token;
}

/**
 * One round of a render-only host's agent: answers its tasks (refusing a
 * definition when told to), then reports its desired state applied, each
 * domain rendered (or gone).
 */
export async function agentRound(
  api: FleetApi,
  host: string,
  token: string,
  refuseDefine: boolean,
): Promise<void> {
  const d = await api.call('GET', `/v1/agent/hosts/${host}/desired?waitSeconds=0`, token);
  const body = d.body as {
    generation: number;
    domains: { instanceId: string; state: string }[];
    tasks: { id: string; op: string }[];
  };
  for (const t of body.tasks) {
    const refuse = t.op === 'define-domain' && refuseDefine;
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
}

export interface InstanceOut {
  host: string;
  ports: { id: string; host: string; pciAddress: string }[];
  vm: { state: string | null };
}

export const instanceOf = async (api: FleetApi, id: string) =>
  (await must(
    api.call('GET', `/v1/instances/${id}`, api.admin),
    200,
    'instance',
  )) as unknown as InstanceOut;

export interface MigrationOut {
  id: string;
  state: string;
  report: { progress: { step: string; status: string }[]; failedStep?: string | null };
}

export async function lastMigration(api: FleetApi, id: string): Promise<MigrationOut | null> {
  const b = await must(api.call('GET', `/v1/instances/${id}/migrations`, api.admin), 200, 'list');
  return (b.items as MigrationOut[])[0] ?? null;
}

const END_EVENTS: Record<string, string> = {
  done: 'migration-done',
  'rolled-back': 'migration-rolled-back',
};

/**
 * The instance is on `host` alone: one VF allocated to it there, nothing
 * held on the other host, no task left; and the migration's end was told
 * by exactly one event of its outcome.
 */
export async function expectWholeOn(
  api: FleetApi,
  instanceId: string,
  host: string,
  m: MigrationOut,
): Promise<void> {
  const inst = await instanceOf(api, instanceId);
  expect([inst.host, inst.ports[0]?.host]).toEqual([host, host]);
  for (const h of PAIR) {
    const d = await must(api.call('GET', `/v1/hosts/${h}`, api.admin), 200, 'host');
    const vfs = (d.pfs as { vfs: { state: string; instance: string | null }[] }[]).flatMap(
      (p) => p.vfs,
    );
    // Every VF that is not free is the instance's: a VF held twice (a claim repeated by the
    // controller that took over) would show here, reserved or allocated to no port.
    const taken = vfs.filter((v) => v.state !== 'free').map((v) => [v.state, v.instance]);
    expect(taken, h).toEqual(h === host ? [['allocated', 'web']] : []);
    const tasks = await api.call('GET', `/v1/agent/hosts/${h}/desired?waitSeconds=0`, api.admin);
    expect((tasks.body.tasks as unknown[]).length, `${h}: pending tasks`).toBe(0);
  }
  const kind = END_EVENTS[m.state] ?? m.state;
  const events = await must(api.call('GET', `/v1/events?kind=${kind}`, api.admin), 200, 'events');
  const mine = (events.items as { data: { migration?: string } }[]).filter(
    (e) => e.data.migration === m.id,
  );
  expect(mine.length, `${kind} events of ${m.id}`).toBe(1);
}

/**
 * Where a controller is stopped in a render-only move of the instance's one
 * port: before and after each effect of each forward step (`migrate#1`:
 * the removal from the source) ...
 */
const forwardStops = (portId: string): string[] =>
  [
    `reserve-target-vf:${portId}`,
    'migrate',
    'migrate#1',
    `confirm-target-vf:${portId}`,
    `release-source-vf:${portId}`,
  ].flatMap((s) => [`${s}@before`, `${s}@after`]);

/** ... and in the rollback after the target refused the definition. */
const rollbackStops = (portId: string): string[] => [
  'migrate@after',
  `undo reserve-target-vf:${portId}@before`,
  `undo reserve-target-vf:${portId}@after`,
];

/**
 * The two cases of a takeover test: `migrate` moves the instance to the
 * other host through a controller stopped at a point (the target refusing
 * the definition when `rollback`) and returns how the migration ended,
 * once `by` finished it.
 */
export function itEndsAfterEachStop(
  by: string,
  portId: () => string,
  migrate: (point: string, rollback: boolean) => Promise<MigrationOut>,
  ms: { readonly forward: number; readonly rollback: number },
): void {
  it(
    `at every step, before and after its effect, is finished ${by}`,
    async () => {
      for (const point of forwardStops(portId())) {
        const m = await migrate(point, false);
        expect([point, m.state]).toEqual([point, 'done']);
      }
    },
    ms.forward,
  );

  it(
    `and in its rollback, is rolled back ${by}`,
    async () => {
      for (const point of rollbackStops(portId())) {
        const m = await migrate(point, true);
        expect([point, m.state, m.report.failedStep]).toEqual([point, 'rolled-back', 'migrate']);
      }
    },
    ms.rollback,
  );
}
