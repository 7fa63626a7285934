import { VfleetError } from '../core/errors.js';
import type { InstanceView } from '../core/fleet/claim-store.js';
import type { VmRecord } from '../core/fleet/vm-store.js';
import { domainName, domainRequestOf } from '../core/fleet/vm-domain.js';
import type { HostRenderFacts } from '../core/fleet/host-render-facts.js';
import { renderDomainXml } from '../core/libvirt/render-domain.js';
import { renderGuestSeed, type GuestConfig } from '../core/fleet/guest-seed.js';
import type { GuestSeed } from '../core/libvirt/seed-disk.js';
import type { NumaPlacement } from '../core/libvirt/numa-placement.js';
import type { ControllerDeps } from './controller-deps.js';

export interface RenderedVm {
  readonly domain: string;
  readonly xml: string;
  readonly placement: NumaPlacement | null;
}

/** The host's reported devices; CONFLICT until its agent has reported once. */
export async function hostFacts(deps: ControllerDeps, hostId: string): Promise<HostRenderFacts> {
  const facts = await deps.store.vms.facts(hostId);
  if (facts === null) {
    throw new VfleetError('CONFLICT', `host ${hostId} has not reported its devices yet`, {
      host: hostId,
    });
  }
  return facts;
}

/** The domain XML the instance's agent defines: rendered here, so it can be shown first. */
export async function renderVm(
  deps: ControllerDeps,
  inst: InstanceView,
  vm: VmRecord,
): Promise<RenderedVm> {
  if (inst.hostId === null)
    throw new VfleetError('CONFLICT', `instance ${inst.name} has no host`, { instance: inst.id });
  const facts = await hostFacts(deps, inst.hostId);
  const r = renderDomainXml(domainRequestOf(inst, vm.boot, facts));
  return { domain: domainName(inst), xml: r.xml, placement: r.placement };
}

/** The NoCloud seed of a booted instance's guest configuration; CONFLICT when it has none. */
export function guestSeedOf(
  inst: InstanceView,
  vm: VmRecord,
): GuestSeed & { readonly domain: string; readonly guestConfig: GuestConfig } {
  const kind = vm.boot.guestConfig;
  if (kind === undefined)
    throw new VfleetError(
      'CONFLICT',
      `instance ${inst.name} was booted without a guest configuration (boot.guestConfig)`,
      { instance: inst.id },
    );
  const seed = renderGuestSeed({
    kind,
    instanceId: inst.id,
    instanceName: inst.name,
    ports: inst.ports.map((p) => ({
      network: p.network,
      vnicType: p.vnicType,
      mac: p.mac,
      addresses: vm.boot.ports[p.id]?.addresses ?? [],
    })),
  });
  return { domain: domainName(inst), guestConfig: kind, ...seed };
}

/** Only the seed's three texts: what an agent writes into the guest's `cidata` ISO. */
export function seedTexts(inst: InstanceView, vm: VmRecord): GuestSeed {
  const { metaData, userData, networkConfig } = guestSeedOf(inst, vm);
  return { metaData, userData, networkConfig };
}
