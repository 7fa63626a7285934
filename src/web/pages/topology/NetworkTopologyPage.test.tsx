import { describe, expect, it } from 'vitest';
import { Pages } from '../../app/App.js';
import { count, renderAt } from '../../app/static-render.js';
import { samplePorts } from './sample-ports.js';

const admin = {
  role: 'admin',
  tenant: null,
  tokenName: 'admin',
  expiresAt: '2030-01-01T00:00:00Z',
  csrf: 'x',
} as const;
const tenant = { ...admin, role: 'tenant', tenant: 'acme', tokenName: 'acme' } as const;
const network = { id: 'net-blue', name: 'blue', tenant: 'acme', physnet: 'p1', vlan: 120 };

describe('network topology page', () => {
  const ports = samplePorts(2, 2, 4);
  const placed = ports.filter((p) => p.pciAddress !== null);
  const page = (session: typeof admin | typeof tenant) =>
    renderAt('/networks/net-blue/topology', <Pages session={session} />, [
      [['network', 'net-blue'], network],
      [['ports', 'net-blue', 'all'], ports],
    ]);

  it("draws each port's VF, its host and its instance, as the ports API gave them", () => {
    const html = page(admin);
    expect(html).toContain('Topology of network blue');
    expect(count(html, 'data-testid="topology-vf"')).toBe(placed.length);
    for (const p of placed) expect(html).toContain(`data-pci="${p.pciAddress ?? '?'}"`);
    expect(count(html, 'data-testid="topology-host"')).toBe(2);
    for (const name of new Set(placed.map((p) => p.instance ?? '?')))
      expect(html).toContain(`>${name}</text>`);
    expect(html).toContain('1 ports hold no VF yet');
  });

  it("links an admin's host and VF boxes to the host page, and every instance to its page", () => {
    const html = page(admin);
    const vf = placed[0];
    expect(html).toContain(
      `href="/hosts/${vf?.host ?? '?'}?vf=${encodeURIComponent(vf?.pciAddress ?? '?')}"`,
    );
    expect(html).toContain('href="/hosts/hv-01"');
    expect(html).toContain(`href="/instances/${vf?.instanceId ?? '?'}"`);
  });

  it('shows a tenant its network drawn, without links to host pages it may not open', () => {
    const html = page(tenant);
    expect(count(html, 'data-testid="topology-vf"')).toBe(placed.length);
    expect(html).not.toContain('href="/hosts/');
    expect(html).toContain(`href="/instances/${placed[0]?.instanceId ?? '?'}"`);
  });

  it('is linked from the network page', () => {
    const html = renderAt('/networks/net-blue', <Pages session={tenant} />, [
      [['network', 'net-blue'], network],
    ]);
    expect(html).toContain('href="/networks/net-blue/topology"');
  });
});
