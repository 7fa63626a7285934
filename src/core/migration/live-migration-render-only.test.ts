import { describe, expect, it } from 'vitest';
import { TARGET_VFS, migrationRequest } from '../../testing/live-migration-fixture.js';
import type { LiveAnswer } from './live-migration-effects.js';
import {
  advanceLiveMigration,
  beginLiveMigration,
  liveMigrationReport,
  liveStepLabel,
  type LiveMigrationState,
} from './live-migration-machine.js';
import { planLiveMigration } from './live-migration-plan.js';

/**
 * The state machine one answer at a time: what it waits on, and the parts
 * of a render-only move (define on one host, remove from the other, and
 * remove the new definition again when the removal failed). The whole runs
 * against a fake world are in live-migration-machine.test.ts.
 */
const OWNER = { instanceId: 'i-1', policy: 'tenant' } as const;
const reference = planLiveMigration(migrationRequest()).steps;

describe('the live migration state machine', () => {
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

  it("hands the target the guest's cloud-init seed with the definition that names its CD-ROM", () => {
    const seed = { metaData: 'm', userData: 'u', networkConfig: 'n' };
    const withSeed = {
      ...migrationRequest(),
      mode: 'render-only' as const,
      instance: { ...migrationRequest().instance, seedIso: '/seeds/vm-mig.iso' },
    };
    let s = beginLiveMigration(planLiveMigration(withSeed), { ...OWNER, seed });
    for (const vf of TARGET_VFS.slice(1)) s = advanceLiveMigration(s, { ok: true, vf });
    const args = s.pending?.kind === 'task' ? s.pending.args : {};
    expect(args).toMatchObject({ domain: 'vm-mig', seed });
    expect(String(args.xml)).toContain('<source file="/seeds/vm-mig.iso"');
    // Without a guest configuration the task says nothing of a seed.
    const plain = reserved().pending;
    expect(plain?.kind === 'task' && 'seed' in plain.args).toBe(false);
  });

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
