import { describe, expect, it } from 'vitest';
import { Pages } from '../../app/App.js';
import { count, renderAt } from '../../app/static-render.js';
import { sampleHost } from './sample-host.js';

const admin = {
  role: 'admin',
  tenant: null,
  tokenName: 'admin',
  expiresAt: '2030-01-01T00:00:00Z',
  csrf: 'x',
} as const;

describe('host page', () => {
  const host = sampleHost(2, 8);
  const page = (search = '') =>
    renderAt(`/hosts/h1${search}`, <Pages session={admin} />, [[['host', 'h1'], host]]);

  it('shows one VF cell per VF, named by its PCI address and state', () => {
    const html = page();
    expect(count(html, 'data-testid="vf-cell"')).toBe(16);
    for (const pf of host.pfs)
      for (const vf of pf.vfs) expect(html).toContain(`data-pci="${vf.pciAddress}"`);
    expect(html).toContain('<span class="visually-hidden">VF 1 0000:3b:10.1: dirty</span>');
    expect(html).toContain('<span class="visually-hidden">VF 2 0000:3b:10.2: quarantined</span>');
  });

  it('puts the NUMA nodes side by side in node order, each with its PF', () => {
    const html = page();
    const n0 = html.indexOf('NUMA node 0 · socket 0 · 16 CPUs');
    const n1 = html.indexOf('NUMA node 1 · socket 1 · 16 CPUs');
    expect(n0).toBeGreaterThan(-1);
    expect(n1).toBeGreaterThan(n0);
    expect(html.indexOf('PF ens0f0 0000:3b:00.0')).toBeGreaterThan(n0);
    expect(html.indexOf('PF ens1f0 0000:3c:00.0')).toBeGreaterThan(n1);
  });

  it('opens the VF named in the URL: its MAC, VLAN, instance link, tenant and network', () => {
    const html = page('?vf=0000:3c:10.3');
    const details = html.slice(html.indexOf('data-testid="vf-details"'));
    expect(details).toContain('VF 3 0000:3c:10.3');
    expect(details).toContain('fa:16:3e:00:01:03');
    expect(details).toContain('<dd>100</dd>');
    expect(details).toContain('href="/instances/i-1-0"');
    expect(details).toContain('<dd>acme</dd>');
    expect(details).toContain('<dd>blue</dd>');
    expect(html).toContain('aria-pressed="true"');
    expect(count(html, 'aria-pressed="true"')).toBe(1);
  });

  it("opens a held VF with its driver, IOMMU group, netdev and its port's spoof check and rates", () => {
    const details = (pci: string) => {
      const html = page(`?vf=${pci}`);
      return html.slice(html.indexOf('data-testid="vf-details"'));
    };
    const held = details('0000:3c:10.3');
    expect(held).toContain('<dt>Driver</dt><dd>iavf</dd>');
    expect(held).toContain('<dt>IOMMU group</dt><dd>203</dd>');
    expect(held).toContain('<dt>Host netdev</dt><dd>ens1f0v3</dd>');
    expect(held).toContain('<dt>Spoof check</dt><dd>no</dd>');
    expect(held).toContain('<dt>Max TX rate</dt><dd>5000 Mbit/s</dd>');
    expect(held).toContain('<dt>Min TX rate</dt><dd>100 Mbit/s</dd>');
    // A free VF: what the host reports, and no port settings to show.
    const free = details('0000:3b:10.4');
    expect(free).toContain('<dt>Driver</dt><dd>vfio-pci</dd>');
    expect(free).toContain('<dt>IOMMU group</dt><dd>104</dd>');
    expect(free).toContain('<dt>Host netdev</dt><dd>–</dd>');
    expect(free).toContain('<dt>Spoof check</dt><dd>–</dd>');
    expect(free).toContain('<dt>Max TX rate</dt><dd>–</dd>');
  });

  it('marks a VF handed to another owner in the grid and names its owner in the details', () => {
    const html = page('?vf=0000:3b:10.7');
    expect(count(html, 'data-owner="openstack"')).toBe(2);
    expect(html).toContain('VF 7 0000:3b:10.7: free, handed to openstack');
    expect(html).toContain('handed to another owner');
    const details = html.slice(html.indexOf('data-testid="vf-details"'));
    expect(details).toContain(
      '<dt>Owner</dt><dd>openstack (handed over: vfleet never schedules it)</dd>',
    );
    const ours = page('?vf=0000:3b:10.4');
    expect(ours.slice(ours.indexOf('data-testid="vf-details"'))).toContain(
      '<dt>Owner</dt><dd>vfleet</dd>',
    );
  });

  it("shows each PF's link as its agent reported it", () => {
    const links = [
      ...renderAt('/hosts/h1', <Pages session={admin} />, [
        [['host', 'h1'], sampleHost(3, 1)],
      ]).matchAll(/data-testid="pf-link">([^<]*)</g),
    ].map((m) => m[1]);
    expect(links).toEqual(['up · 25000 Mb/s', 'down (set down)', 'not reported']);
  });

  it('shows the findings with their fix', () => {
    const html = page();
    expect(html).toContain('IOMMU is off');
    expect(html).toContain('add intel_iommu=on to the kernel command line');
  });
});

describe('pages a tenant gets', () => {
  const tenant = { ...admin, role: 'tenant', tenant: 'acme', tokenName: 'acme' } as const;

  it('has no host page: the route does not exist for it', () => {
    const html = renderAt('/hosts/h1', <Pages session={tenant} />, [
      [['host', 'h1'], sampleHost(1, 2)],
    ]);
    expect(html).toContain('Not found');
    expect(html).not.toContain('vf-cell');
  });
});
