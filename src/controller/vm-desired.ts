import { isVfleetError } from '../core/errors.js';
import type { VmTask } from '../core/fleet/vm-store.js';
import { domainName, type VmDesired } from '../core/fleet/vm-domain.js';
import type { DomainPolicy } from '../core/libvirt/domain-request.js';
import type { ControllerDeps } from './controller-deps.js';
import type { HostVms } from './desired-reads.js';
import { renderVm, seedTexts } from './vm-render.js';
import type { GuestSeed } from '../core/libvirt/seed-disk.js';

/** One domain as the agent must have it: defined from `xml` and running, or gone. */
export interface DesiredDomain {
  readonly instanceId: string;
  readonly name: string;
  readonly state: VmDesired;
  readonly xml: string | null;
  /** `tenant`: the agent checks the XML against the domain policy before defining it. */
  readonly policy: DomainPolicy;
  /** The cloud-init seed the agent writes as the CD-ROM the XML names; only with boot.guestConfig. */
  readonly seed?: GuestSeed;
}

/**
 * The domains and pending hypervisor tasks of a host, for its desired state.
 * A domain that no longer renders (its host's devices changed under it) is
 * left out, with the reason on the instance, rather than failing the host.
 */
export async function desiredVms(
  deps: ControllerDeps,
  hostId: string,
  read: HostVms,
): Promise<{ domains: DesiredDomain[]; tasks: readonly VmTask[] }> {
  const domains: DesiredDomain[] = [];
  for (const vm of read.vms) {
    const inst = await deps.store.claims.getInstance(vm.instanceId);
    if (inst === null) continue;
    const policy = vm.boot.policy ?? 'tenant';
    if (vm.desired === 'absent') {
      const name = domainName(inst);
      domains.push({ instanceId: inst.id, name, state: 'absent', xml: null, policy });
      continue;
    }
    try {
      const r = await renderVm(deps, inst, vm);
      const seed = vm.boot.guestConfig === undefined ? {} : { seed: seedTexts(inst, vm) };
      domains.push({
        instanceId: inst.id,
        name: r.domain,
        state: 'running',
        xml: r.xml,
        policy,
        ...seed,
      });
    } catch (e) {
      // The store away is not the domain's failure: the poll is answered again later.
      if (!isVfleetError(e) || e.code === 'MISSING_DEPENDENCY') throw e;
      await deps.store.vms.recordResults(
        hostId,
        [
          {
            instanceId: inst.id,
            state: 'failed',
            message: e.message,
            hypervisor: vm.hypervisor ?? 'render-only',
          },
        ],
        new Date(deps.now()).toISOString(),
      );
    }
  }
  return { domains, tasks: read.tasks };
}
