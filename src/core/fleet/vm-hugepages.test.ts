import { describe, expect, it } from 'vitest';
import { renderDomainXml } from '../libvirt/render-domain.js';
import { boot, FACTS, instanceView, portView } from '../../testing/vm-domain-fixture.js';
import type { NodeHugepages } from '../libvirt/domain-request.js';
import type { HostRenderFacts } from './host-render-facts.js';
import { domainRequestOf, type VmBoot } from './vm-domain.js';
import { hugepagesFit, pinHugepages } from './vm-hugepages.js';

/** FACTS with these 2 MiB pages per node (node 0, node 1). */
const withPages = (node0: NodeHugepages | null, node1: NodeHugepages | null): HostRenderFacts => ({
  ...FACTS,
  numa: FACTS.numa.map((n) => {
    const pages = n.node === 0 ? node0 : node1;
    return pages === null ? n : { ...n, hugepages: pages };
  }),
});
const pages = (free: number): NodeHugepages => ({ sizeKb: 2048, total: 2048, free });

// Two VFs of ens1f0, NUMA node 0; 2048 MiB of guest memory = 1024 pages of 2 MiB.
const inst = instanceView(
  [
    portView({ id: 'a', vnicType: 'direct', pciAddress: '0000:3b:02.0' }),
    portView({ id: 'b', vnicType: 'direct', pciAddress: '0000:3b:02.1', mac: 'fa:16:3e:00:00:02' }),
  ],
  { memoryMb: 2048, numaPolicy: 'required' },
);
const auto: VmBoot = { ...boot(), hugepages: 'auto' };

describe('hugepagesFit', () => {
  it('needs the whole guest memory in free pages', () => {
    expect(hugepagesFit([{ node: 0, cpus: [0], socket: 0, hugepages: pages(1024) }], 2048)).toBe(
      true,
    );
    expect(hugepagesFit([{ node: 0, cpus: [0], socket: 0, hugepages: pages(1023) }], 2048)).toBe(
      false,
    );
    expect(hugepagesFit([{ node: 0, cpus: [0], socket: 0 }], 1)).toBe(false);
  });
});

describe('pinHugepages', () => {
  it("auto: on when the VFs' node has free pages for the whole guest", () => {
    const pinned = pinHugepages(inst, auto, withPages(pages(1024), null));
    expect(pinned.hugepages).toBe('on');
    const xml = renderDomainXml(domainRequestOf(inst, pinned, FACTS)).xml;
    expect(xml).toMatch(/<memoryBacking>\s*<hugepages\/>\s*<\/memoryBacking>/);
  });

  it('auto: off when only another node has them (memory is bound to the VFs node)', () => {
    expect(pinHugepages(inst, auto, withPages(pages(10), pages(4096))).hugepages).toBe('off');
  });

  it('auto: off when the host reports none', () => {
    const pinned = pinHugepages(inst, auto, FACTS);
    expect(pinned.hugepages).toBe('off');
    expect(renderDomainXml(domainRequestOf(inst, pinned, FACTS)).xml).not.toContain('hugepages');
  });

  it('auto without device ports: any node of the host counts', () => {
    const bare = instanceView([], { memoryMb: 2048 });
    expect(pinHugepages(bare, auto, withPages(pages(512), pages(512))).hugepages).toBe('on');
  });

  it('on and off are kept as asked, whatever the host has', () => {
    const none = FACTS;
    expect(pinHugepages(inst, { ...boot(), hugepages: 'on' }, none).hugepages).toBe('on');
    const plenty = withPages(pages(4096), pages(4096));
    expect(pinHugepages(inst, boot(), plenty).hugepages).toBeUndefined();
  });
});
