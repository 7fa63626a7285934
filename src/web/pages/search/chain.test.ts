import { describe, expect, it } from 'vitest';
import type { SearchHitView } from '../../../api/answers.js';
import { searchHitSchema } from '../../../api/schemas/search.js';
import { chainParts } from './chain.js';

const hit: SearchHitView = searchHitSchema.parse({
  match: 'mac',
  host: 'h1',
  numaNode: 1,
  pf: { pciAddress: '0000:3b:00.0', ifname: 'ens1f0' },
  vf: { index: 2, pciAddress: '0000:3b:10.2', state: 'allocated' },
  port: { id: 'p-1', mac: 'fa:16:3e:00:00:01', vnicType: 'direct' },
  instance: { id: 'i-1', name: 'vm1', state: 'active' },
  network: { id: 'n-1', name: 'blue', vlan: 100, physnet: 'p1' },
  tenant: 'acme',
});

describe('search chain rows', () => {
  it('gives the whole chain in order, each part a link, the matched part marked', () => {
    expect(chainParts(hit, true)).toEqual([
      { kind: 'host', text: 'h1', href: '/hosts/h1', matched: false },
      { kind: 'numa', text: 'NUMA 1', href: '/hosts/h1', matched: false },
      { kind: 'pf', text: 'PF ens1f0 0000:3b:00.0', href: '/hosts/h1', matched: false },
      {
        kind: 'vf',
        text: 'VF 2 0000:3b:10.2 (allocated)',
        href: '/hosts/h1?vf=0000%3A3b%3A10.2',
        matched: false,
      },
      {
        kind: 'port',
        text: 'port fa:16:3e:00:00:01 direct',
        href: '/instances/i-1',
        matched: true,
      },
      { kind: 'instance', text: 'vm1 (active)', href: '/instances/i-1', matched: false },
      { kind: 'network', text: 'blue VLAN 100 on p1', href: '/networks/n-1', matched: false },
      { kind: 'tenant', text: 'tenant acme', href: '/networks?tenant=acme', matched: false },
    ]);
  });

  it('gives a tenant no link to host pages it may not open', () => {
    const parts = chainParts({ ...hit, match: 'pci' }, false);
    expect(
      parts.filter((p) => ['host', 'numa', 'pf', 'vf'].includes(p.kind)).map((p) => p.href),
    ).toEqual([null, null, null, null]);
    expect(parts.find((p) => p.matched)?.kind).toBe('vf');
  });

  it('leaves out the parts a hit does not have (a network with no ports yet)', () => {
    const net = {
      ...hit,
      match: 'network' as const,
      host: null,
      numaNode: null,
      pf: null,
      vf: null,
      port: null,
      instance: null,
    };
    expect(chainParts(net, true).map((p) => p.kind)).toEqual(['network', 'tenant']);
  });
});
