import { VfleetError } from '../core/errors.js';
import type { InstanceView } from '../core/fleet/claim-store.js';
import { scheduleOrdered } from '../core/scheduler/schedule.js';
import type { Placement } from '../core/scheduler/types.js';
import type { ControllerDeps } from './controller-deps.js';

/**
 * Where an instance would go if it were created now, its own host and hosts
 * of another hypervisor kind left out:
 * the scheduler's filters and weigher over the instance's request. The VFs
 * themselves are taken step by step by the migration.
 */
export async function pickMigrationTarget(
  deps: ControllerDeps,
  inst: InstanceView,
): Promise<string> {
  const vfPorts = inst.ports.filter((p) => p.vnicType !== 'normal');
  const needs = vfPorts.map((p) => ({ physnet: p.physnet, trusted: p.trusted }));
  const staleBefore = new Date(deps.now() - deps.config.staleAfterMs).toISOString();
  // Best first by the weigher, from the fleet view (no read of the fleet).
  const others = deps.fleetView
    .ordered([...new Set(needs.map((n) => n.physnet))], deps.config.weigher, staleBefore)
    .filter((h) => h.id !== inst.hostId);
  const request = {
    vcpus: inst.vcpus,
    memoryMb: inst.memoryMb,
    numaPolicy: inst.numaPolicy,
    hostLabels: inst.hostLabels,
    ports: needs,
    distinctPfs: false,
  };
  // Only a host of the same kind can take it: libvirt to libvirt, render-only to
  // render-only. Kinds are looked up for the hosts that fit, best first, until one matches.
  const kindOf = async (id: string) => (await deps.store.vms.facts(id))?.hypervisor.kind ?? null;
  const kind = inst.hostId === null ? null : await kindOf(inst.hostId);
  const plan = scheduleOrdered(others, others.length, request);
  let first: Placement | undefined;
  if (plan.ok) {
    for (const p of plan.placements) {
      if (kind === null || (await kindOf(p.hostId)) === kind) {
        first = p;
        break;
      }
    }
  }
  if (first === undefined) {
    throw new VfleetError(
      'NO_CAPACITY',
      `no other host can take instance ${inst.name}${plan.ok ? '' : `: ${plan.message}`}`,
    );
  }
  return first.hostId;
}
