import type { HostNumaNode } from '../libvirt/domain-request.js';
import { renderDomainXml } from '../libvirt/render-domain.js';
import type { InstanceView } from './claim-store.js';
import type { HostRenderFacts } from './host-render-facts.js';
import { domainRequestOf, type VmBoot } from './vm-domain.js';

/**
 * Whether the nodes' free default-size hugepages hold `memoryMb`: the
 * guest's memory must fit whole, or QEMU fails to start for want of pages.
 * Free as of the host's last report: pages another guest took since then
 * are not seen, and such a start fails with libvirt's reason.
 */
export function hugepagesFit(nodes: readonly HostNumaNode[], memoryMb: number): boolean {
  const freeKb = nodes.reduce(
    (kb, n) => kb + (n.hugepages?.free ?? 0) * (n.hugepages?.sizeKb ?? 0),
    0,
  );
  return freeKb >= memoryMb * 1024;
}

/**
 * A boot's `hugepages: auto` pinned for the host it was placed on: `on`
 * when the host's free hugepages on the nodes the guest's memory is bound
 * to (`<numatune>`, or every node when nothing binds it) hold the whole
 * guest, else `off`. Decided once, at creation, and kept in the boot.
 */
export function pinHugepages(inst: InstanceView, boot: VmBoot, facts: HostRenderFacts): VmBoot {
  if (boot.hugepages !== 'auto') return boot;
  const { placement } = renderDomainXml(
    domainRequestOf(inst, { ...boot, hugepages: 'off' }, facts),
  );
  const nodes =
    placement === null ? facts.numa : facts.numa.filter((n) => placement.nodes.includes(n.node));
  return { ...boot, hugepages: hugepagesFit(nodes, inst.memoryMb) ? 'on' : 'off' };
}
