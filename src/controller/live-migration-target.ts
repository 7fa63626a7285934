import { VfleetError } from '../core/errors.js';
import type { InstanceView } from '../core/fleet/claim-store.js';
import { schedule } from '../core/scheduler/schedule.js';
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
  const others = (
    await deps.store.claims.candidates([...new Set(needs.map((n) => n.physnet))], staleBefore)
  ).filter((h) => h.id !== inst.hostId);
  // Only a host of the same kind can take it: libvirt to libvirt, render-only to render-only.
  const kindOf = async (id: string) => (await deps.store.vms.facts(id))?.hypervisor.kind ?? null;
  const kind = inst.hostId === null ? null : await kindOf(inst.hostId);
  const kinds = await Promise.all(others.map((h) => kindOf(h.id)));
  const hosts = others.filter((_, i) => kind === null || kinds[i] === kind);
  const plan = schedule(
    hosts,
    {
      vcpus: inst.vcpus,
      memoryMb: inst.memoryMb,
      numaPolicy: inst.numaPolicy,
      hostLabels: inst.hostLabels,
      ports: needs,
      distinctPfs: false,
    },
    deps.config.weigher,
    1,
  );
  const first = plan.ok ? plan.placements[0] : undefined;
  if (first === undefined) {
    throw new VfleetError(
      'NO_CAPACITY',
      `no other host can take instance ${inst.name}${plan.ok ? '' : `: ${plan.message}`}`,
    );
  }
  return first.hostId;
}
