import { describe, expect, it } from 'vitest';
import { EVERY_VM_PATH } from './vm-path-examples.js';
import { planVmPaths, portMac, runIdOfDomain, runIdOfLink, forwarderName } from './vm-path-plan.js';

const plan = planVmPaths(
  '4194303',
  EVERY_VM_PATH.filter((p) => p.path !== 'virtio'),
);

describe('planVmPaths', () => {
  it('gives the VM an in and an out port per path, in subnets of their own, with unique MACs', () => {
    expect(plan.ports.map((p) => [p.path, p.side, p.cidr, p.via.kind])).toEqual([
      ['vf', 'in', '198.18.0.254/24', 'vf'],
      ['vf', 'out', '198.19.0.254/24', 'vf'],
      ['macvtap', 'in', '198.18.1.254/24', 'macvtap'],
      ['macvtap', 'out', '198.19.1.254/24', 'macvtap'],
      ['vhost', 'in', '198.18.2.254/24', 'tap'],
      ['vhost', 'out', '198.19.2.254/24', 'tap'],
      ['e1000', 'in', '198.18.4.254/24', 'tap'],
      ['e1000', 'out', '198.19.4.254/24', 'tap'],
      ['vdpa', 'in', '198.18.5.254/24', 'vdpa'],
      ['vdpa', 'out', '198.19.5.254/24', 'vdpa'],
    ]);
    const macs = plan.ports.map((p) => p.mac);
    expect(new Set(macs).size).toBe(macs.length);
    // Locally administered, unicast: the first byte's second-lowest bit set, the lowest clear.
    for (const m of macs.slice(0, -2)) expect(m).toMatch(/^02:76:3f:ff:ff:[0-9a-f]{2}$/);
    // A vDPA device keeps the MAC it was made with: the guest finds its port by it.
    expect(macs.slice(-2)).toEqual(['00:11:22:33:44:00', '00:11:22:33:44:01']);
    const vdpa = plan.pairs.find((p) => p.path === 'vdpa');
    expect([vdpa?.sender.ifname, vdpa?.receiver.ifname, vdpa?.gatewayMac]).toEqual([
      'eth0_0',
      'eth0_1',
      '00:11:22:33:44:00',
    ]);
    expect(vdpa?.teardown.slice(0, 2)).toEqual([
      ['-n', 'vfleet-dp-4194303-tx', 'link', 'set', 'dev', 'eth0_0', 'netns', '1'],
      ['-n', 'vfleet-dp-4194303-rx', 'link', 'set', 'dev', 'eth0_1', 'netns', '1'],
    ]);
    expect(portMac('1', 'vf', 'in')).not.toBe(portMac('2', 'vf', 'in'));
  });

  it('routes the sender through the VM, and the receiver back, and sends to the VM port', () => {
    const vhost = plan.pairs.find((p) => p.path === 'vhost');
    expect(vhost?.gatewayMac).toBe(plan.ports[4]?.mac);
    expect([vhost?.sender.ip, vhost?.receiver.ip]).toEqual(['198.18.2.1', '198.19.2.1']);
    expect(vhost?.setup).toContainEqual([
      '-n',
      'vfleet-dp-4194303-tx',
      'route',
      'add',
      '198.19.2.0/24',
      'via',
      '198.18.2.254',
    ]);
    expect(vhost?.setup).toContainEqual([
      '-n',
      'vfleet-dp-4194303-rx',
      'route',
      'add',
      '198.18.2.0/24',
      'via',
      '198.19.2.254',
    ]);
  });

  it('names every link it makes within 15 characters, readable back to the run', () => {
    const made = [...plan.hostSetup, ...plan.pairs.flatMap((p) => p.setup)]
      .filter((a) => a[0] === 'link' && a[1] === 'add')
      .flatMap((a) => [a[2] === 'link' ? a[5] : a[2], a[a.indexOf('peer') + 2]])
      .filter((n): n is string => n !== undefined && n !== 'link');
    expect(made.length).toBeGreaterThan(6);
    for (const n of made) expect(n.length).toBeLessThanOrEqual(15);
    for (const n of made.filter((m) => m.startsWith('vd'))) expect(runIdOfLink(n)).toBe('4194303');
    expect(runIdOfLink('vd12x')).toBeNull();
    expect(runIdOfDomain(forwarderName('77'))).toBe('77');
    expect(runIdOfDomain('vfleet-dp-77-x')).toBeNull();
  });

  it('makes the bridges before the VM and removes them after; each path undoes its own links', () => {
    expect(plan.hostSetup.filter((a) => a.includes('bridge'))).toHaveLength(4);
    expect(plan.hostTeardown).toEqual([
      ['link', 'del', 'dev', 'vd4194303hi'],
      ['link', 'del', 'dev', 'vd4194303ho'],
      ['link', 'del', 'dev', 'vd4194303ei'],
      ['link', 'del', 'dev', 'vd4194303eo'],
    ]);
    const vf = plan.pairs[0];
    expect(vf?.teardown.slice(0, 2)).toEqual([
      ['-n', 'vfleet-dp-4194303-tx', 'link', 'set', 'dev', 'eth2', 'netns', '1'],
      ['-n', 'vfleet-dp-4194303-rx', 'link', 'set', 'dev', 'eth3', 'netns', '1'],
    ]);
    expect(plan.pairs[2]?.teardown.slice(0, 2)).toEqual([
      ['link', 'del', 'dev', 'vd4194303ha'],
      ['link', 'del', 'dev', 'vd4194303hb'],
    ]);
  });
});
