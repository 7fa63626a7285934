import { describe, expect, it } from 'vitest';
import { FakeLiveMigrationWorld } from '../../testing/fake-live-migration-world.js';
import {
  HOST_A,
  HOST_B,
  SOURCE_VFS,
  TARGET_VFS,
  migratingInstance,
  migrationRequest,
  worldFor,
} from '../../testing/live-migration-fixture.js';
import type { ProgressEvent } from '../ports.js';
import { aliasOf } from '../libvirt/render-ports.js';
import { beginLiveMigration, liveMigrationReport } from './live-migration-machine.js';
import { runLiveMigration } from './live-migration-run.js';
import type {
  LiveMigrationPlan,
  LiveMigrationReport,
  LiveMigrationStep,
} from './live-migration-types.js';
import type { LiveMigrationView } from './live-migration-view.js';
import { planLiveMigration } from './live-migration-plan.js';

/**
 * The live migration state machine, run to its end by `runLiveMigration`
 * against a fake world of two hosts (libvirt's and the controller's rules),
 * with a failure injected at every step and at every compensation of every
 * failing step: the hosts' final state, and the report saying the same.
 * Between steps the state must survive JSON, as it goes through the
 * migration's row.
 *
 * The world call each step's effect makes, forward and as its
 * compensation. null: the step calls nothing (check-target-vfs is pure) or
 * has nothing to undo.
 */
const CALLS: Record<LiveMigrationStep['kind'], { run: string | null; undo: string | null }> = {
  'reserve-target-vf': { run: 'reserveVf@b', undo: 'releaseVf@b' },
  'check-target-vfs': { run: null, undo: null },
  'detach-source-vf': { run: 'detachDevice@a', undo: 'attachDevice@a' },
  migrate: { run: 'migrate@a', undo: 'migrate@b' },
  'attach-target-vf': { run: 'attachDevice@b', undo: 'detachDevice@b' },
  'confirm-target-vf': { run: 'confirmVf@b', undo: null },
  'release-source-vf': { run: 'releaseVf@a', undo: null },
};
const key = (call: string, s: LiveMigrationStep) =>
  s.portId === null ? call : `${call}:${s.portId}`;

function setup(): { plan: LiveMigrationPlan; world: FakeLiveMigrationWorld; initial: unknown } {
  const plan = planLiveMigration(migrationRequest());
  const world = worldFor(plan.request.instance);
  return { plan, world, initial: world.snapshot() };
}

/** Makes step `s` fail forward: its port call, or (for the pure check) a VF on the wrong node. */
function breakStep(world: FakeLiveMigrationWorld, s: LiveMigrationStep): void {
  const call = CALLS[s.kind].run;
  if (call === null) world.badReservation = TARGET_VFS[0];
  else world.faults.add(key(call, s));
}

/** What the world says the view should be: the report must agree with it. */
function truth(world: FakeLiveMigrationWorld, plan: LiveMigrationPlan): LiveMigrationView {
  const live = (host: string) => world.domains.get(host)?.live;
  return {
    domainOn: world.domainHost() === HOST_A.id ? 'source' : 'target',
    ports: plan.ports.map((p) => {
      const src = world.vfs.find(
        (v) => v.host === 'a' && v.vf.pciAddress === p.sourceVf.pciAddress,
      );
      const tgt = world.vfs.find((v) => v.host === 'b' && v.portId === p.portId);
      const srcDev = live('a')?.get(aliasOf(p.portId));
      const tgtDev = live('b')?.get(aliasOf(p.portId));
      return {
        portId: p.portId,
        source: {
          address: p.sourceVf.pciAddress,
          held: src?.portId === p.portId,
          attached: srcDev?.address === p.sourceVf.pciAddress,
        },
        target: {
          vf: tgt?.vf ?? null,
          hold: tgt?.state === 'reserved' || tgt?.state === 'allocated' ? tgt.state : 'none',
          attached: tgtDev !== undefined && tgtDev.address === tgt?.vf.pciAddress,
        },
      };
    }),
  };
}

/** No VF that a domain has attached is free or held by another port, on any host. */
function expectNoVfLeakedWhileAttached(world: FakeLiveMigrationWorld): void {
  for (const [host, d] of world.domains) {
    for (const dev of [...d.live.values(), ...d.config.values()]) {
      if (dev.address === null) continue;
      const vf = world.vfs.find((v) => v.host === host && v.vf.pciAddress === dev.address);
      expect(vf?.portId, `${dev.address} on ${host}`).toBe(dev.alias.replace(/^ua-/, ''));
    }
  }
}

const statusOf = (r: LiveMigrationReport, id: string) => r.steps.find((s) => s.id === id);

const OWNER = { instanceId: 'i-1', policy: 'tenant' } as const;

/** Runs the plan to its end against the world; the report and the progress it made. */
async function migrate(
  plan: LiveMigrationPlan,
  world: FakeLiveMigrationWorld,
): Promise<LiveMigrationReport & { progress: readonly ProgressEvent[] }> {
  let kept = 0;
  const end = await runLiveMigration(
    beginLiveMigration(plan, OWNER),
    (e, s) => world.answer(e, s),
    (s) => {
      expect(JSON.parse(JSON.stringify(s))).toEqual(s);
      return Promise.resolve(++kept < 100);
    },
  );
  if (end === null) throw new Error('the state machine did not end in 100 effects');
  expect([end.direction, end.pending]).toEqual(['finished', null]);
  return { ...liveMigrationReport(end), progress: end.progress };
}

const ran = (id: string): ProgressEvent[] => [
  { step: id, status: 'start' },
  { step: id, status: 'ok' },
];

describe('live migration of direct ports', () => {
  it('moves the instance with a VF per port on the target, same MAC and VLAN, failover kept', async () => {
    const { plan, world } = setup();
    const r = await migrate(plan, world);
    expect([r.outcome, r.needsAttention, r.failedStep]).toEqual(['completed', false, null]);
    expect(world.domainHost()).toBe('b');
    const b = world.domains.get('b');
    for (const map of [b?.live, b?.config]) {
      expect(map?.get('ua-p1')).toEqual({
        alias: 'ua-p1',
        address: '0000:5e:02.1',
        mac: 'fa:16:3e:00:00:01',
        vlan: 2401,
        teaming: 'transient:ua-sb1',
      });
      expect(map?.get('ua-p2')).toMatchObject({
        address: '0000:5e:02.2',
        mac: 'fa:16:3e:00:00:02',
        vlan: 0,
        teaming: null,
      });
      expect(map?.get('ua-sb1')?.teaming).toBe('persistent');
    }
    expect(world.vfs.map((v) => [v.host, v.vf.pciAddress, v.state, v.portId])).toEqual([
      ['a', SOURCE_VFS[0].pciAddress, 'free', null],
      ['a', SOURCE_VFS[1].pciAddress, 'free', null],
      ['b', '0000:5e:02.0', 'free', null],
      ['b', '0000:5e:02.1', 'allocated', 'p1'],
      ['b', '0000:5e:02.2', 'allocated', 'p2'],
    ]);
    expect(r.final).toEqual(truth(world, plan));
    // Every reservation before the guest is touched; every VF out before migrating.
    expect(world.calls).toEqual([
      'reserveVf@b:p1',
      'reserveVf@b:p2',
      'detachDevice@a:p1',
      'detachDevice@a:p2',
      'migrate@a',
      'attachDevice@b:p1',
      'attachDevice@b:p2',
      'confirmVf@b:p1',
      'confirmVf@b:p2',
      'releaseVf@a:p1',
      'releaseVf@a:p2',
    ]);
    expect(r.progress).toEqual(plan.steps.flatMap((s) => ran(s.id)));
  });

  const { plan: reference } = setup();
  const transaction = reference.steps.filter((s) => s.phase === 'transaction');
  const cleanup = reference.steps.filter((s) => s.phase === 'cleanup');

  it('has a step of every kind, and the table above covers them', () => {
    expect(new Set(reference.steps.map((s) => s.kind)).size).toBe(Object.keys(CALLS).length);
    expect(cleanup.map((s) => s.id)).toEqual(['release-source-vf:p1', 'release-source-vf:p2']);
  });

  for (const step of transaction) {
    it(`a failure at ${step.id} rolls back: VFs back on the source, target reservations freed`, async () => {
      const { plan, world, initial } = setup();
      breakStep(world, step);
      const r = await migrate(plan, world);
      expect([r.outcome, r.needsAttention, r.failedStep]).toEqual(['rolled-back', false, step.id]);
      expect(r.error?.code).toBe(
        step.kind === 'check-target-vfs' ? 'INVALID_INPUT' : 'COMMAND_FAILED',
      );
      // The world is exactly as before: domain on a, live and persistent devices, every VF's holder.
      expect(world.snapshot()).toEqual(initial);
      expect(r.final).toEqual(truth(world, plan));
      const at = plan.steps.findIndex((s) => s.id === step.id);
      for (const [i, rec] of r.steps.entries()) {
        if (i < at) expect(rec.rollback, rec.id).toMatch(/^(undone|nothing-to-undo)$/);
        if (i > at) expect(rec.status, rec.id).toBe('not-run');
      }
      // Each done step, then the failure, then each compensation in reverse order.
      const done = plan.steps.slice(0, at);
      const undone = done.filter((s) => CALLS[s.kind].undo !== null).reverse();
      expect(r.progress).toEqual([
        ...done.flatMap((s) => ran(s.id)),
        { step: step.id, status: 'start' },
        { step: step.id, status: 'failed', detail: r.error?.message },
        ...undone.flatMap((s) => ran(`undo ${s.id}`)),
      ]);
    });
  }

  for (const step of cleanup) {
    it(`a failure at ${step.id} keeps the migration and flags the unreleased source VF`, async () => {
      const { plan, world } = setup();
      breakStep(world, step);
      const r = await migrate(plan, world);
      expect([r.outcome, r.needsAttention, r.failedStep]).toEqual(['completed', true, null]);
      const vf = plan.ports.find((p) => p.portId === step.portId)?.sourceVf.pciAddress ?? '';
      expect(r.attention).toHaveLength(1);
      expect(r.attention[0]).toContain(
        `source VF ${vf} on a is still held for port ${String(step.portId)}`,
      );
      expect(world.domainHost()).toBe('b');
      expect(
        world.vfs.filter((v) => v.host === 'a' && v.portId !== null).map((v) => v.vf.pciAddress),
      ).toEqual([vf]);
      // The other port's source VF was still released.
      expect(
        r.steps.filter((s) => s.kind === 'release-source-vf' && s.status === 'done'),
      ).toHaveLength(1);
      expect(r.final).toEqual(truth(world, plan));
    });
  }
});

describe('failures during rollback', () => {
  const { plan: reference } = setup();
  const cases = reference.steps.flatMap((failing, at) =>
    failing.phase !== 'transaction'
      ? []
      : reference.steps
          .slice(0, at)
          .filter((s) => CALLS[s.kind].undo !== null)
          .map((undoing) => ({ failing, undoing })),
  );

  it('covers every compensation of every transaction failure', () => {
    // Undoable: 2 reserves, 2 detaches, migrate, 2 attaches. Failing at the 10 transaction
    // steps in order, 0+1+2+2+3+4+5+6+7+7 of them are done and get undone.
    expect(cases.length).toBe(37);
  });

  for (const { failing, undoing } of cases) {
    it(`${failing.id} fails, then undoing ${undoing.id} fails: stops, reports what is where`, async () => {
      const { plan, world } = setup();
      breakStep(world, failing);
      const undoCall = CALLS[undoing.kind].undo ?? '';
      world.faults.add(key(undoCall, undoing));
      const r = await migrate(plan, world);
      expect([r.outcome, r.needsAttention, r.failedStep]).toEqual([
        'rollback-incomplete',
        true,
        failing.id,
      ]);
      expect(statusOf(r, undoing.id)?.rollback).toBe('undo-failed');
      expect(statusOf(r, undoing.id)?.rollbackError?.message).toContain(undoCall);
      // Nothing before the failed compensation was touched by the rollback.
      const at = plan.steps.findIndex((s) => s.id === undoing.id);
      for (const rec of r.steps.slice(0, at)) {
        expect(rec.rollback, rec.id).toMatch(/^(not-undone|nothing-to-undo)$/);
      }
      expect(world.calls.at(-1)).toBe(key(undoCall, undoing));
      // The report matches the world, and no VF in use was given back.
      expect(r.final).toEqual(truth(world, plan));
      expectNoVfLeakedWhileAttached(world);
      expect(r.attention[0]).toContain(`undoing ${undoing.id} failed`);
      const on = world.domainHost() === 'a' ? HOST_A.id : HOST_B.id;
      expect(r.attention).toContain(`instance vm-mig runs on ${on}`);
    });
  }
});

describe('the target host', () => {
  it("is checked with its own NUMA nodes, not bound by the source's dedicated CPUs", async () => {
    const req = migrationRequest();
    const targetNuma = [
      { node: 0, cpus: [32, 33, 34, 35], socket: 0 },
      { node: 1, cpus: [36, 37], socket: 1 },
    ];
    const plan = planLiveMigration({ ...req, targetNuma });
    const r = await migrate(plan, worldFor(plan.request.instance));
    expect([r.outcome, r.error]).toEqual(['completed', null]);
  });

  it('refuses target VFs that break the NUMA policy there, and rolls back', async () => {
    const req = migrationRequest();
    const plan = planLiveMigration({ ...req, targetNuma: [{ node: 0, cpus: [0], socket: 0 }] });
    const world = worldFor(plan.request.instance);
    world.badReservation = TARGET_VFS[0];
    const r = await migrate(plan, world);
    expect([r.outcome, r.failedStep, r.error?.code]).toEqual([
      'rolled-back',
      'check-target-vfs',
      'INVALID_INPUT',
    ]);
    expect(r.error?.message).toContain('is on node 1; policy required keeps every device');
  });
});

describe('no direct port', () => {
  it('migrates the domain alone', async () => {
    const plan = planLiveMigration(migrationRequest(migratingInstance({ ports: [] })));
    const world = worldFor(plan.request.instance);
    const r = await migrate(plan, world);
    expect([r.outcome, plan.steps.map((s) => s.id), world.calls]).toEqual([
      'completed',
      ['migrate'],
      ['migrate@a'],
    ]);
  });
});
