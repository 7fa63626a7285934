import { VfleetError } from '../../core/errors.js';
import type { InstanceView } from '../../core/fleet/claim-store.js';
import type { MigrationRecord } from '../../core/fleet/vm-store.js';
import { domainRequestOf, shownVmState } from '../../core/fleet/vm-domain.js';
import type { HostRenderFacts } from '../../core/fleet/host-render-facts.js';
import { beginLiveMigration } from '../../core/migration/live-migration-machine.js';
import type { LiveMigrationHost } from '../../core/migration/live-migration-types.js';
import { planLiveMigration } from '../../core/migration/live-migration-plan.js';
import {
  checkLiveMigrationTarget,
  type MigrationMode,
  type VfNeed,
} from '../../core/migration/live-migration-target.js';
import type { ControllerDeps } from '../controller-deps.js';
import { migrationEvent } from '../events.js';
import { runningReport } from '../live-migration-reconciler.js';
import { pickMigrationTarget } from '../live-migration-target.js';
import { hostFacts, seedTexts } from '../vm-render.js';

const iso = (deps: ControllerDeps) => new Date(deps.now()).toISOString();

function migrationHost(id: string, facts: HostRenderFacts, mode: MigrationMode): LiveMigrationHost {
  // A render-only host has no libvirt URI: nothing connects to it.
  return { id, uri: mode === 'live' ? (facts.hypervisor.migrationUri ?? '') : '' };
}

/** The VFs the instance's VF ports need on a target, by physnet and trust. */
function vfNeeds(inst: InstanceView): VfNeed[] {
  const needs = new Map<string, VfNeed>();
  for (const p of inst.ports.filter((x) => x.vnicType === 'direct')) {
    const key = `${p.physnet}#${String(p.trusted)}`;
    const n = needs.get(key);
    needs.set(key, { physnet: p.physnet, trusted: p.trusted, count: (n?.count ?? 0) + 1 });
  }
  return [...needs.values()];
}

/**
 * Starts a live migration (docs/libvirt.md, "Live migration with VF ports"):
 * checks everything first, then stores the plan as the first state of its
 * state machine, in the migration's row, and returns; the reconciler of
 * any controller runs it (live-migration-reconciler.ts). The returned
 * record is followed through GET /v1/instances/{id}/migrations.
 * Between two render-only hosts the same plan moves the domain definition
 * and the VF ports, and the report says so (`mode: render-only`).
 */
export async function startLiveMigration(
  deps: ControllerDeps,
  inst: InstanceView,
  wanted: string | undefined,
): Promise<MigrationRecord> {
  const vm = await deps.store.vms.get(inst.id);
  if (vm === null)
    throw new VfleetError('CONFLICT', `instance ${inst.name} was not booted: it has no domain`);
  if (vm.desired === 'absent')
    throw new VfleetError('CONFLICT', `instance ${inst.name} is being deleted`);
  const state = shownVmState(vm.state, vm.hypervisor);
  if ((state !== 'running' && state !== 'rendered') || inst.hostId === null) {
    throw new VfleetError(
      'CONFLICT',
      `instance ${inst.name}'s domain is ${state ?? 'not reported yet'}; only a running domain ` +
        '(or a rendered one, between render-only hosts) migrates',
    );
  }
  const sourceId = inst.hostId;
  const targetId = wanted ?? (await pickMigrationTarget(deps, inst));
  const target = await deps.store.hosts.get(targetId);
  const sourceFacts = await hostFacts(deps, sourceId);
  const targetFacts = target === null ? null : await deps.store.vms.facts(targetId);
  const needs = vfNeeds(inst);
  const staleBefore = new Date(deps.now() - deps.config.staleAfterMs).toISOString();
  const [free] = await deps.store.claims.candidates(
    [...new Set(needs.map((n) => n.physnet))],
    staleBefore,
    [targetId],
  );
  const mode = checkLiveMigrationTarget({
    instance: inst.name,
    source: { id: sourceId, hypervisor: sourceFacts.hypervisor },
    targetId,
    target,
    targetHypervisor: targetFacts?.hypervisor ?? null,
    targetFree: free,
    needs,
    nowMs: deps.now(),
    staleAfterMs: deps.config.staleAfterMs,
  });
  if (targetFacts === null) throw new VfleetError('INTERNAL', `host ${targetId}: no facts`);
  const plan = planLiveMigration({
    instance: domainRequestOf(inst, vm.boot, sourceFacts),
    source: migrationHost(sourceId, sourceFacts, mode),
    target: migrationHost(targetId, targetFacts, mode),
    targetNuma: targetFacts.numa,
    mode,
  });
  const live = beginLiveMigration(plan, {
    instanceId: inst.id,
    policy: vm.boot.policy ?? 'tenant',
    ...(vm.boot.guestConfig === undefined ? {} : { seed: seedTexts(inst, vm) }),
  });
  const record = { id: deps.ids.uuid(), instanceId: inst.id, source: sourceId, target: targetId };
  const createdAt = iso(deps);
  // The mode from the start: a follower says what kind of move it watches.
  const report = runningReport(live);
  const r = deps.liveMigrations;
  const until = new Date(deps.now() + deps.config.liveMigrations.leaseMs).toISOString();
  const lease = r === undefined ? null : { owner: r.owner, until };
  const event = migrationEvent('running', inst, { ...record, mode: plan.mode });
  const started = { ...record, createdAt, report, live, lease, event };
  if (!(await deps.store.vms.startLiveMigration(started)))
    throw new VfleetError('CONFLICT', `instance ${inst.name} is already migrating`);
  // This controller's reconciler takes it from here (or any other's, should this one die).
  deps.liveMigrations?.kick();
  return { ...record, state: 'running', report, createdAt, finishedAt: null };
}
