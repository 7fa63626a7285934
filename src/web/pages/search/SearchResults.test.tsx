import { describe, expect, it } from 'vitest';
import { searchAnswerSchema } from '../../../api/schemas/search.js';
import { count, renderAt } from '../../app/static-render.js';
import { SearchPage } from './SearchPage.js';

const answer = searchAnswerSchema.parse({
  query: '3b:10.2',
  matchedAs: 'pci',
  results: [
    {
      match: 'pci',
      host: 'h1',
      numaNode: 0,
      pf: { pciAddress: '0000:3b:00.0', ifname: 'ens0f0' },
      vf: { index: 2, pciAddress: '0000:3b:10.2', state: 'allocated' },
      port: { id: 'p-1', mac: 'fa:16:3e:00:00:02', vnicType: 'direct' },
      instance: { id: 'i-1', name: 'vm1', state: 'active' },
      network: { id: 'n-1', name: 'blue', vlan: 100, physnet: 'p1' },
      tenant: 'acme',
    },
  ],
});

describe('search page', () => {
  it('shows the chain of the query in the URL, every part a link', () => {
    const html = renderAt('/search?q=3b:10.2', <SearchPage admin />, [
      [['search', '3b:10.2'], answer],
    ]);
    expect(count(html, 'data-testid="search-result"')).toBe(1);
    for (const href of [
      '/hosts/h1',
      '/hosts/h1?vf=0000%3A3b%3A10.2',
      '/instances/i-1',
      '/networks/n-1',
    ])
      expect(html).toContain(`href="${href}"`);
    expect(html).toContain('1 result(s) for &quot;3b:10.2&quot; as pci.');
  });
});
