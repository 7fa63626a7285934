import { randomUUID } from 'node:crypto';
import { VfleetError } from '../core/errors.js';
import { hostHealth } from '../core/fleet/model.js';
import type { InstanceView } from '../core/fleet/store.js';
import type { MigrationRecord, MigrationState } from '../core/fleet/vm-store.js';
import { instanceWiring, vfAt } from '../core/fleet/vm-wiring.js';
import type { WiringFacts } from '../core/fleet/wiring-facts.js';
import type { ClaimedVf } from '../core/libvirt/wiring.js';
import { executeMigration, type MigrationReport } from '../core/migration/execute-migration.js';
import { hypervisorMigrationPorts } from '../core/migration/hypervisor-ports.js';
import type { MigrationHost, MigrationPlan } from '../core/migration/migration-types.js';
import { planMigration } from '../core/migration/plan-migration.js';
import type { ProgressEvent } from '../core/ports.js';
import { agentTaskDriver, type TaskLimits } from './agent-task-driver.js';
import type { ControllerDeps } from './controller-deps.js';
import { migrationEvent, recordEvent } from './events.js';
import { pickMigrationTarget } from './migration-target.js';
import { hostFacts } from './vm-render.js';

const iso = (deps: ControllerDeps) => new Date(deps.now()).toISOString();

function migrationHost(id: string, facts: WiringFacts): MigrationHost {
  const hv = facts.hypervisor;
  if (hv.kind !== 'virsh' || hv.migrationUri === null) {
    throw new VfleetError(
      'UNSUPPORTED',
      `host ${id} does not drive libvirt${hv.reason === null ? '' : ` (${hv.reason})`}; live migration needs libvirt on both hosts`,
      { host: id },
    );
  }
  return { id, uri: hv.migrationUri };
}

/**
 * Starts a live migration (docs/libvirt.md, "Live migration with VF
 * ports"): checks everything first, then runs the plan in the background;
 * the returned record is followed through GET /v1/instances/{id}/migrations.
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
  if (vm.state !== 'running' || inst.hostId === null) {
    throw new VfleetError(
      'CONFLICT',
      `instance ${inst.name}'s domain is ${vm.state ?? 'not reported yet'}; only a running domain migrates live`,
    );
  }
  const sourceId = inst.hostId;
  const targetId = wanted ?? (await pickMigrationTarget(deps, inst));
  const target = await deps.store.hosts.get(targetId);
  if (target === null) throw new VfleetError('NOT_FOUND', `no host ${targetId}`, { field: 'host' });
  const staleBefore = new Date(deps.now() - deps.config.staleAfterMs).toISOString();
  if (!target.ready || hostHealth(target, staleBefore) !== 'healthy') {
    throw new VfleetError('CONFLICT', `host ${targetId} is not ready and healthy`, {
      field: 'host',
    });
  }
  const sourceFacts = await hostFacts(deps, sourceId);
  const targetFacts = await hostFacts(deps, targetId);
  const plan = planMigration({
    instance: instanceWiring(inst, vm.boot, sourceFacts),
    source: migrationHost(sourceId, sourceFacts),
    target: migrationHost(targetId, targetFacts),
    targetNuma: targetFacts.numa,
  });
  const record = { id: randomUUID(), instanceId: inst.id, source: sourceId, target: targetId };
  const createdAt = iso(deps);
  if (!(await deps.store.vms.startMigration({ ...record, createdAt })))
    throw new VfleetError('CONFLICT', `instance ${inst.name} is already migrating`);
  await recordEvent(deps, migrationEvent('running', inst, record));
  void runMigration(deps, record.id, inst, plan, limits)
    .catch(async (e: unknown) => {
      await deps.store.vms.updateMigration(
        record.id,
        'needs-attention',
        { progress: [{ step: 'controller', status: 'failed', detail: String(e) }] },
        iso(deps),
      );
      await recordEvent(deps, migrationEvent('needs-attention', inst, record));
    })
    .catch(() => undefined);
  return { ...record, state: 'running', report: null, createdAt, finishedAt: null };
}

async function runMigration(
  deps: ControllerDeps,
  id: string,
  inst: InstanceView,
  plan: MigrationPlan,
  limits?: TaskLimits,
): Promise<void> {
  const src = plan.request.source;
  const dst = plan.request.target;
  const targetVfs = new Map<string, ClaimedVf>();
  const ports = hypervisorMigrationPorts((h) => agentTaskDriver(deps, h.id, inst.id, limits), {
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
  });
  const steps: ProgressEvent[] = [];
  // Progress is written in order, one write at a time, and all of it before the final record.
  let written: Promise<void> = Promise.resolve();
  const report = await executeMigration(plan, ports, (e) => {
    steps.push(e);
    const progress = [...steps];
    written = written
      .then(() => deps.store.vms.updateMigration(id, 'running', { progress }, null))
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
  await recordEvent(deps, migrationEvent(state, inst, { id, source: src.id, target: dst.id }));
}

function finalState(r: MigrationReport): MigrationState {
  if (r.needsAttention) return 'needs-attention';
  return r.outcome === 'completed' ? 'done' : 'rolled-back';
}
