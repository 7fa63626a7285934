import { describe, expect, it } from 'vitest';
import { byTenant, physnetUsage } from './physnet-usage.js';

const net = (name: string, tenant: string, physnet: string, vlan: number) => ({
  id: `id-${name}`,
  name,
  tenant,
  physnet,
  vlan,
});

describe('physnet usage', () => {
  it('counts distinct VLANs of its networks inside its ranges against the ranges size', () => {
    const u = physnetUsage(
      [
        {
          name: 'p1',
          vlanRanges: [
            { min: 100, max: 109 },
            { min: 200, max: 200 },
          ],
        },
        { name: 'p2', vlanRanges: [] },
      ],
      [
        net('a', 't1', 'p1', 100),
        net('b', 't2', 'p1', 100),
        net('c', 't1', 'p1', 200),
        net('d', 't1', 'p1', 300),
        net('e', 't1', 'p2', 100),
      ],
    );
    expect(u).toEqual([
      { name: 'p1', ranges: '100-109, 200', size: 11, used: 2 },
      { name: 'p2', ranges: 'none', size: 0, used: 0 },
    ]);
  });

  it('groups networks by tenant in name order', () => {
    const g = byTenant([
      net('a', 'zeta', 'p1', 1),
      net('b', 'acme', 'p1', 2),
      net('c', 'zeta', 'p1', 3),
    ]);
    expect(g.map(([t, l]) => [t, l.map((n) => n.name)])).toEqual([
      ['acme', ['b']],
      ['zeta', ['a', 'c']],
    ]);
  });
});
