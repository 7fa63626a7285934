import { describe, expect, it } from 'vitest';
import { toVfleetError } from '../errors.js';
import type { ProgressEvent } from '../ports.js';
import type { FakeLiveMigrationWorld } from '../../testing/fake-live-migration-world.js';
import {
  HOST_A,
  HOST_B,
  TARGET_VFS,
  migrationRequest,
  worldFor,
} from '../../testing/live-migration-fixture.js';
import { executeLiveMigration } from './live-migration-execute.js';
import type { LiveAnswer, LiveEffect } from './live-migration-effects.js';
import {
  advanceLiveMigration,
  beginLiveMigration,
  liveMigrationReport,
  liveStepLabel,
  type LiveMigrationState,
} from './live-migration-machine.js';
import type { LiveMigrationPlan, LiveMigrationStep } from './live-migration-types.js';
import { planLiveMigration } from './live-migration-plan.js';

/**
 * The persisted state machine against the in-process executor it replaces
 * in the controller: for every failure (forward, and of every compensation
 * during a rollback) both make the same calls on the same world and end
 * with the same report. Between steps the state goes through JSON, as it
 * does through the migration's row.
 */
const OWNER = { instanceId: 'i-1', policy: 'tenant' } as const;
const hosts = new Map([HOST_A, HOST_B].map((h) => [h.id, h]));
const hostOf = (id: string) => {
  const h = hosts.get(id);
  if (h === undefined) throw new Error(`no host ${id}`);
  return h;
};

/** Performs one effect on the world, as the controller does on its store and agents. */
async function perform(
  world: FakeLiveMigrationWorld,
  s: LiveMigrationState,
  e: LiveEffect,
): Promise<LiveAnswer> {
  const portId = s.records[s.index]?.portId ?? '';
  const vf = (pciAddress: string) =>
    [...world.vfs].find((v) => v.host === e.hostId && v.vf.pciAddress === pciAddress)?.vf ?? {
      pciAddress,
      numaNode: null,
    };
  try {
    switch (e.kind) {
      case 'reserve-vf': {
        const req = { instance: 'vm', portId: e.portId, host: hostOf(e.hostId) };
        return { ok: true, vf: await world.reserveVf({ ...req, numaNode: e.numaNode }) };
      }
      case 'confirm-vf':
      case 'release-vf': {
        const hold = { host: hostOf(e.hostId), portId: e.portId, vf: vf(e.pciAddress) as never };
        await (e.kind === 'confirm-vf' ? world.confirmVf(hold) : world.releaseVf(hold));
        return { ok: true };
      }
      case 'task': {
        const a = e.args as { domain: string; xml: string; scope: never; targetUri: string };
        const change = { host: hostOf(e.hostId), domain: a.domain, portId, scope: a.scope };
        if (e.op === 'attach-device') await world.attachDevice({ ...change, deviceXml: a.xml });
        else if (e.op === 'detach-device')
          await world.detachDevice({ ...change, deviceXml: a.xml });
        else if (e.op === 'migrate') {
          const to = [...hosts.values()].find((h) => h.uri === a.targetUri);
          await world.migrate({ domain: a.domain, from: hostOf(e.hostId), to: to ?? HOST_A });
        } else throw new Error(`unexpected task ${e.op}`);
        return { ok: true };
      }
    }
  } catch (err) {
    const v = toVfleetError(err);
    return { ok: false, error: { code: v.code, message: v.message } };
  }
}

async function drive(plan: LiveMigrationPlan, world: FakeLiveMigrationWorld) {
  let s = beginLiveMigration(plan, OWNER);
  let effects = 0;
  while (s.pending !== null) {
    const answer = await perform(world, s, s.pending);
    s = JSON.parse(JSON.stringify(advanceLiveMigration(s, answer))) as LiveMigrationState;
    if (++effects > 100) throw new Error('the machine does not end');
  }
  expect(s.direction).toBe('finished');
  return { state: s, report: liveMigrationReport(s) };
}

const CALL: Record<LiveMigrationStep['kind'], { run: string | null; undo: string | null }> = {
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

interface Fault {
  readonly forward?: LiveMigrationStep;
  readonly undo?: LiveMigrationStep;
}

function inject(world: FakeLiveMigrationWorld, f: Fault): void {
  if (f.forward !== undefined) {
    const call = CALL[f.forward.kind].run;
    if (call === null) world.badReservation = TARGET_VFS[0];
    else world.faults.add(key(call, f.forward));
  }
  if (f.undo !== undefined) world.faults.add(key(CALL[f.undo.kind].undo ?? '', f.undo));
}

/** Runs the executor and the machine on two equal worlds with the same fault; they must agree. */
async function bothAgree(f: Fault) {
  const plan = planLiveMigration(migrationRequest());
  const old = worldFor(plan.request.instance);
  const neu = worldFor(plan.request.instance);
  inject(old, f);
  inject(neu, f);
  const progress: ProgressEvent[] = [];
  const expected = await executeLiveMigration(plan, old, (e) => progress.push(e));
  const { state, report } = await drive(plan, neu);
  expect(neu.calls).toEqual(old.calls);
  expect(neu.snapshot()).toEqual(old.snapshot());
  expect(report).toEqual(JSON.parse(JSON.stringify(expected)));
  expect(state.progress).toEqual(progress);
  return report;
}

const reference = planLiveMigration(migrationRequest()).steps;

describe('the live migration state machine', () => {
  it('completes a migration with two ports, step by step, as the executor does', async () => {
    const r = await bothAgree({});
    expect([r.outcome, r.needsAttention, r.final.domainOn]).toEqual(['completed', false, 'target']);
  });

  for (const step of reference) {
    it(`a failure at ${step.id} ends as the executor's does`, async () => {
      const r = await bothAgree({ forward: step });
      if (step.phase === 'cleanup') {
        expect([r.outcome, r.needsAttention]).toEqual(['completed', true]);
      } else {
        expect([r.outcome, r.failedStep, r.final.domainOn]).toEqual([
          'rolled-back',
          step.id,
          'source',
        ]);
      }
    });
  }

  const rollbackCases = reference.flatMap((failing, at) =>
    failing.phase !== 'transaction'
      ? []
      : reference
          .slice(0, at)
          .filter((s) => CALL[s.kind].undo !== null)
          .map((undoing) => ({ failing, undoing })),
  );
  it('covers every compensation of every transaction failure', () => {
    expect(rollbackCases.length).toBe(37);
  });
  for (const { failing, undoing } of rollbackCases) {
    it(`${failing.id} fails, then undoing ${undoing.id} fails: stops as the executor does`, async () => {
      const r = await bothAgree({ forward: failing, undo: undoing });
      expect([r.outcome, r.needsAttention]).toEqual(['rollback-incomplete', true]);
    });
  }

  it('names the step it waits on, undo steps included, and nothing once finished', () => {
    const plan = planLiveMigration(migrationRequest());
    let s = beginLiveMigration(plan, OWNER);
    expect([liveStepLabel(s), s.pending?.kind]).toEqual([reference[0]?.id, 'reserve-vf']);
    s = advanceLiveMigration(s, { ok: false, error: { code: 'NO_CAPACITY', message: 'none' } });
    // The first reservation failed: nothing to undo, the migration is over.
    expect([liveStepLabel(s), s.pending, s.direction]).toEqual([null, null, 'finished']);
    expect(advanceLiveMigration(s, { ok: true })).toBe(s);
  });
});

describe('a render-only move', () => {
  const plan = planLiveMigration({ ...migrationRequest(), mode: 'render-only' });
  const ok: LiveAnswer = { ok: true };
  const fail = (message: string): LiveAnswer => ({
    ok: false,
    error: { code: 'COMMAND_FAILED', message },
  });
  /** Reserves and checks both target VFs (two on the source's NUMA node, as its policy asks). */
  function reserved(): LiveMigrationState {
    let s = beginLiveMigration(plan, OWNER);
    for (const vf of TARGET_VFS.slice(1)) s = advanceLiveMigration(s, { ok: true, vf });
    return s;
  }
  const task = (s: LiveMigrationState) =>
    s.pending?.kind === 'task' ? [s.pending.op, s.pending.hostId, s.pending.seq] : s.pending;

  it('defines on the target, then removes from the source, then confirms and releases', () => {
    let s = reserved();
    expect(task(s)).toEqual(['define-domain', 'b', 1]);
    const args = s.pending?.kind === 'task' ? s.pending.args : {};
    expect(args).toMatchObject({ domain: 'vm-mig', instanceId: 'i-1', policy: 'tenant' });
    // The definition names the target's VFs, not the source's.
    expect(String(args.xml)).toContain(TARGET_VFS[1].pciAddress?.split(':')[1] ?? '?');
    s = advanceLiveMigration(s, ok);
    expect(task(s)).toEqual(['undefine-domain', 'a', 2]);
    s = advanceLiveMigration(s, ok);
    expect([s.pending?.kind, s.view.domainOn]).toEqual(['confirm-vf', 'target']);
    while (s.pending !== null) s = advanceLiveMigration(s, ok);
    expect(liveMigrationReport(s).outcome).toBe('completed');
  });

  it('a target that refuses the definition rolls back the reservations', () => {
    let s = advanceLiveMigration(reserved(), fail('policy says no'));
    expect([s.direction, s.pending?.kind]).toEqual(['rollback', 'release-vf']);
    while (s.pending !== null) s = advanceLiveMigration(s, ok);
    const r = liveMigrationReport(s);
    expect([r.outcome, r.failedStep, r.error?.message]).toEqual([
      'rolled-back',
      'migrate',
      'policy says no',
    ]);
  });

  it('a source that keeps its definition: the new one is removed again, then the rollback', () => {
    let s = advanceLiveMigration(advanceLiveMigration(reserved(), ok), fail('busy'));
    expect(task(s)).toEqual(['undefine-domain', 'b', 3]);
    s = advanceLiveMigration(s, ok);
    expect([s.direction, s.view.domainOn, s.pending?.kind]).toEqual([
      'rollback',
      'source',
      'release-vf',
    ]);
    while (s.pending !== null) s = advanceLiveMigration(s, ok);
    expect(liveMigrationReport(s).error?.message).toBe('busy');
  });

  it('says the domain is on both hosts when removing the new definition fails too', () => {
    let s = advanceLiveMigration(advanceLiveMigration(reserved(), ok), fail('busy'));
    s = advanceLiveMigration(s, fail('gone away'));
    while (s.pending !== null) s = advanceLiveMigration(s, ok);
    expect(liveMigrationReport(s).error?.message).toBe(
      'busy; and removing the new definition from b failed (gone away): domain vm-mig is defined on both hosts',
    );
  });

  it('moves back through the same parts when a later step fails', () => {
    let s = advanceLiveMigration(advanceLiveMigration(reserved(), ok), ok);
    s = advanceLiveMigration(s, fail('confirm lost'));
    expect([liveStepLabel(s), task(s)]).toEqual(['undo migrate', ['define-domain', 'a', 3]]);
    s = advanceLiveMigration(s, ok);
    expect(task(s)).toEqual(['undefine-domain', 'b', 4]);
    s = advanceLiveMigration(s, ok);
    expect([s.view.domainOn, s.pending?.kind]).toEqual(['source', 'release-vf']);
  });
});
