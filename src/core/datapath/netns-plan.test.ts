import { describe, expect, it } from 'vitest';
import { NETNS_PREFIX, netnsName, netnsPair, runIdOfNetns } from './netns-plan.js';

const TX = 'vfleet-dp-4194304-tx';
const RX = 'vfleet-dp-4194304-rx';

const endpointSteps = (ns: string, dev: string, ip: string) => [
  ['-n', ns, 'link', 'set', 'dev', dev, 'addrgenmode', 'none'],
  ['-n', ns, 'addr', 'add', `${ip}/30`, 'dev', dev],
  ['-n', ns, 'link', 'set', 'dev', dev, 'up'],
];

describe('netnsPair for two VFs', () => {
  const pair = netnsPair('4194304', 'vf', {
    kind: 'vf',
    pf: 'eth0',
    sender: 'eth2',
    receiver: 'eth3',
  });

  it('moves each VF netdev into its own namespace and addresses it from 198.18.0.0/15', () => {
    expect(pair.setup).toEqual([
      ['netns', 'add', TX],
      ['netns', 'add', RX],
      ['link', 'set', 'dev', 'eth2', 'netns', TX],
      ['link', 'set', 'dev', 'eth3', 'netns', RX],
      ...endpointSteps(TX, 'eth2', '198.18.0.1'),
      ...endpointSteps(RX, 'eth3', '198.18.0.2'),
    ]);
    expect(pair.sender).toEqual({ netns: TX, ifname: 'eth2', ip: '198.18.0.1' });
    expect(pair.receiver).toEqual({ netns: RX, ifname: 'eth3', ip: '198.18.0.2' });
    expect(pair.path).toBe('vf');
    expect(pair.description).toBe('VFs eth2 -> eth3 on eth0 (switched by the NIC)');
  });

  it('gives the VFs back to the host (netns 1) before deleting the namespaces', () => {
    expect(pair.teardown).toEqual([
      ['-n', TX, 'link', 'set', 'dev', 'eth2', 'netns', '1'],
      ['-n', RX, 'link', 'set', 'dev', 'eth3', 'netns', '1'],
      ['netns', 'del', TX],
      ['netns', 'del', RX],
    ]);
  });
});

describe('netnsPair for macvlans', () => {
  const pair = netnsPair('4194304', 'macvtap', { kind: 'macvlan', pf: 'enp3s0f0' });

  it('makes two bridge-mode macvlans on the PF, then moves and addresses them', () => {
    expect(pair.setup).toEqual([
      ['netns', 'add', TX],
      ['netns', 'add', RX],
      [
        'link',
        'add',
        'link',
        'enp3s0f0',
        'name',
        'vfdp4194304t',
        'type',
        'macvlan',
        'mode',
        'bridge',
      ],
      [
        'link',
        'add',
        'link',
        'enp3s0f0',
        'name',
        'vfdp4194304r',
        'type',
        'macvlan',
        'mode',
        'bridge',
      ],
      ['link', 'set', 'dev', 'vfdp4194304t', 'netns', TX],
      ['link', 'set', 'dev', 'vfdp4194304r', 'netns', RX],
      ...endpointSteps(TX, 'vfdp4194304t', '198.18.0.1'),
      ...endpointSteps(RX, 'vfdp4194304r', '198.18.0.2'),
    ]);
    expect(pair.description).toBe(
      'macvlans (bridge mode, as macvtap) on enp3s0f0 (switched by the kernel)',
    );
  });

  it('deletes macvlans still on the host (a setup that failed before moving them), then the namespaces', () => {
    expect(pair.teardown).toEqual([
      ['link', 'del', 'dev', 'vfdp4194304t'],
      ['link', 'del', 'dev', 'vfdp4194304r'],
      ['netns', 'del', TX],
      ['netns', 'del', RX],
    ]);
  });

  it('keeps interface names within IFNAMSIZ (15) for the largest pid (7 digits)', () => {
    expect([pair.sender.ifname, pair.receiver.ifname]).toEqual(['vfdp4194304t', 'vfdp4194304r']);
    for (const n of [pair.sender.ifname, pair.receiver.ifname])
      expect(n.length).toBeLessThanOrEqual(15);
  });
});

describe('namespace names', () => {
  it('names both ends after the run id', () => {
    expect(NETNS_PREFIX).toBe('vfleet-dp-');
    expect([netnsName('17', 'tx'), netnsName('17', 'rx')]).toEqual([
      'vfleet-dp-17-tx',
      'vfleet-dp-17-rx',
    ]);
  });

  it.each([
    ['vfleet-dp-17-tx', '17'],
    ['vfleet-dp-4194304-rx', '4194304'],
    ['vfleet-dp-17-xx', null],
    ['vfleet-dp-abc-tx', null],
    ['vfleet-dp--tx', null],
    ['vfleet-dp-17-tx-old', null],
    ['x-vfleet-dp-17-tx', null],
    ['vfleet-dp-17', null],
    ['blue', null],
    ['', null],
  ])('runIdOfNetns(%j) is %j', (name, id) => {
    expect(runIdOfNetns(name)).toBe(id);
  });

  it('reads back the id of every name it makes', () => {
    for (const end of ['tx', 'rx'] as const)
      expect(runIdOfNetns(netnsName('90210', end))).toBe('90210');
  });
});
