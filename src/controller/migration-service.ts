import { randomUUID } from 'node:crypto';
import { VfleetError } from '../core/errors.js';
import type { InstanceView } from '../core/fleet/store.js';
import type { MigrationRecord, MigrationState } from '../core/fleet/vm-store.js';
import { instanceWiring, shownVmState, vfAt } from '../core/fleet/vm-wiring.js';
import type { WiringFacts } from '../core/fleet/wiring-facts.js';
import type { ClaimedVf, DomainPolicy } from '../core/libvirt/wiring.js';
import { executeMigration, type MigrationReport } from '../core/migration/execute-migration.js';
import {
  hypervisorMigrationPorts,
  renderOnlyMigrationPorts,
  type VfClaimPorts,
} from '../core/migration/hypervisor-ports.js';
import type { MigrationHost, MigrationPlan } from '../core/migration/migration-types.js';
import { planMigration } from '../core/migration/plan-migration.js';
import {
  checkMigrationTarget,
  type MigrationMode,
  type VfNeed,
} from '../core/migration/target-check.js';
import type { ProgressEvent } from '../core/ports.js';
import { agentTaskDriver, type TaskLimits } from './agent-task-driver.js';
import type { ControllerDeps } from './controller-deps.js';
import { migrationEvent, recordEvent } from './events.js';
import { pickMigrationTarget } from './migration-target.js';
import { hostFacts } from './vm-render.js';

const iso = (deps: ControllerDeps) => new Date(deps.now()).toISOString();

function migrationHost(id: string, facts: WiringFacts, mode: MigrationMode): MigrationHost {
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
 * Starts a migration (docs/libvirt.md, "Live migration with VF ports"):
 * checks everything first, then runs the plan in the background; the
 * returned record is followed through GET /v1/instances/{id}/migrations.
 * Between two render-only hosts the same plan moves the domain definition
 * and the VF ports, and the report says so (`mode: render-only`).
 */
export async function startMigration(
  deps: ControllerDeps,
  inst: InstanceView,
  wanted: string | undefined,
  limits?: TaskLimits,
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
  const free = (
    await deps.store.claims.candidates([...new Set(needs.map((n) => n.physnet))], staleBefore)
  ).find((h) => h.id === targetId);
  const mode = checkMigrationTarget({
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
  const plan = planMigration({
    instance: instanceWiring(inst, vm.boot, sourceFacts),
    source: migrationHost(sourceId, sourceFacts, mode),
    target: migrationHost(targetId, targetFacts, mode),
    targetNuma: targetFacts.numa,
    mode,
  });
  const record = { id: randomUUID(), instanceId: inst.id, source: sourceId, target: targetId };
  const createdAt = iso(deps);
  if (!(await deps.store.vms.startMigration({ ...record, createdAt })))
    throw new VfleetError('CONFLICT', `instance ${inst.name} is already migrating`);
  // The mode from the start: a follower says what kind of move it watches.
  const report = { mode: plan.mode, progress: [] };
  await deps.store.vms.updateMigration(record.id, 'running', report, null);
  await recordEvent(deps, migrationEvent('running', inst, { ...record, mode: plan.mode }));
  void runMigration(deps, record.id, inst, plan, vm.boot.policy ?? 'tenant', limits)
    .catch(async (e: unknown) => {
      await deps.store.vms.updateMigration(
        record.id,
        'needs-attention',
        {
          mode: plan.mode,
          progress: [{ step: 'controller', status: 'failed', detail: String(e) }],
        },
        iso(deps),
      );
      await recordEvent(
        deps,
        migrationEvent('needs-attention', inst, { ...record, mode: plan.mode }),
      );
    })
    .catch(() => undefined);
  return { ...record, state: 'running', report, createdAt, finishedAt: null };
}

async function runMigration(
  deps: ControllerDeps,
  id: string,
  inst: InstanceView,
  plan: MigrationPlan,
  policy: DomainPolicy,
  limits?: TaskLimits,
): Promise<void> {
  const src = plan.request.source;
  const dst = plan.request.target;
  const targetVfs = new Map<string, ClaimedVf>();
  const claims: VfClaimPorts = {
    async reserveVf(r) {
      const held = await deps.store.vms.holdVf(r.portId, r.host.id, r.numaNode);
      if (held === null)
        throw new VfleetError('NO_CAPACITY', `no free VF for port ${r.portId} on ${r.host.id}`);
      const facts = await hostFacts(deps, r.host.id);
      const vf = vfAt(facts, held.pciAddress);
      targetVfs.set(r.portId, vf);
      deps.feed.notify(r.host.id);
      return vf;
    },
    confirmVf: (h) =>
      deps.store.vms.swapVf(h.portId, { hostId: h.host.id, pciAddress: h.vf.pciAddress ?? '' }),
    async releaseVf(h) {
      await deps.store.vms.dropVf(h.portId, {
        hostId: h.host.id,
        pciAddress: h.vf.pciAddress ?? '',
      });
      deps.feed.notify(h.host.id);
    },
  };
  const driver = (h: MigrationHost) => agentTaskDriver(deps, h.id, inst.id, limits, policy);
  const ports =
    plan.mode === 'live'
      ? hypervisorMigrationPorts(driver, claims)
      : renderOnlyMigrationPorts(driver, claims);
  const steps: ProgressEvent[] = [];
  // Progress is written in order, one write at a time, and all of it before the final record.
  let written: Promise<void> = Promise.resolve();
  const report = await executeMigration(plan, ports, (e) => {
    steps.push(e);
    const progress = [...steps];
    written = written
      .then(() =>
        deps.store.vms.updateMigration(id, 'running', { mode: plan.mode, progress }, null),
      )
      .catch(() => undefined);
  });
  await written;
  if (report.final.domainOn === 'target') {
    const nodes = [...targetVfs.values()].map((v) => v.numaNode).filter((n) => n !== null);
    await deps.store.vms.moveInstance(inst.id, dst.id, nodes[0] ?? null);
  }
  const state = finalState(report);
  await deps.store.vms.updateMigration(id, state, { ...report, progress: steps }, iso(deps));
  deps.feed.notify(src.id);
  deps.feed.notify(dst.id);
  await recordEvent(
    deps,
    migrationEvent(state, inst, { id, source: src.id, target: dst.id, mode: plan.mode }),
  );
}

function finalState(r: MigrationReport): MigrationState {
  if (r.needsAttention) return 'needs-attention';
  return r.outcome === 'completed' ? 'done' : 'rolled-back';
}
