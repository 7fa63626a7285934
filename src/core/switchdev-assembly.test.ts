import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseIpLinks } from '../adapters/iproute2/ip-link-json.js';
import { pf, vf } from '../testing/inventory-builders.js';
import { testingAsset } from '../testing/testing-assets.js';
import type { HostFacts, LinkPortFacts } from './host-facts.js';
import { assembleNonPciPfs, assembleVdpa, representorsOf, vdpaOfVf } from './switchdev-assembly.js';

const capture = async () =>
  parseIpLinks(await readFile(testingAsset('fixtures/switchdev-capture/ip-j-d-link.json'), 'utf8'));

const facts = (over: Partial<HostFacts>): HostFacts => ({
  hostname: null,
  kernel: null,
  functions: [],
  netdevs: new Map(),
  vfLinks: new Map(),
  linkPorts: [],
  eswitches: [],
  tcOffload: new Map(),
  nonPciDevices: new Map(),
  vdpaMgmtdevs: [],
  vdpaDevices: [],
  pciNames: new Map(),
  warnings: [],
  ...over,
});

const port = (ifname: string, over: Partial<LinkPortFacts>): LinkPortFacts => ({
  ifname,
  parentBus: 'pci',
  parentDev: null,
  switchId: null,
  portName: null,
  hasVfInfo: false,
  mac: null,
  operstate: null,
  adminUp: null,
  ...over,
});

describe('representors', () => {
  it('are found on a real kernel by switch id and pfNvfM port name (netdevsim)', async () => {
    const { ports } = await capture();
    expect([...representorsOf('eth2', ports)]).toEqual([
      [0, 'eth3'],
      [1, 'eth4'],
      [2, 'eth5'],
    ]);
    // igb PFs have no switch: none.
    expect(representorsOf('eth0', ports).size).toBe(0);
  });

  it('stay with their own PF when two PFs of one NIC share a switch id (mlx5 shape)', () => {
    const sw = '2c0b3a0003b1f098';
    const ports = [
      port('ens1f0np0', {
        parentDev: '0000:08:00.0',
        switchId: sw,
        portName: 'p0',
        hasVfInfo: true,
      }),
      port('ens1f1np1', {
        parentDev: '0000:08:00.1',
        switchId: sw,
        portName: 'p1',
        hasVfInfo: true,
      }),
      port('ens1f0r0', { parentDev: '0000:08:00.0', switchId: sw, portName: 'pf0vf0' }),
      port('ens1f0r1', { parentDev: '0000:08:00.0', switchId: sw, portName: 'pf0vf1' }),
      port('ens1f1r0', { parentDev: '0000:08:00.1', switchId: sw, portName: 'pf1vf0' }),
      port('ens1f0sf88', { parentDev: '0000:08:00.0', switchId: sw, portName: 'pf0sf88' }),
      port('eno1', { parentDev: '0000:00:1f.6' }),
    ];
    expect([...representorsOf('ens1f0np0', ports)]).toEqual([
      [0, 'ens1f0r0'],
      [1, 'ens1f0r1'],
    ]);
    expect([...representorsOf('ens1f1np1', ports)]).toEqual([[0, 'ens1f1r0']]);
  });
});

describe('PFs whose VFs are not PCI functions', () => {
  it('are reported with their VFs, settings and representors from a real netdevsim', async () => {
    const { ports, vfLinks } = await capture();
    const [nsim, ...rest] = assembleNonPciPfs(
      facts({
        linkPorts: ports,
        vfLinks,
        eswitches: [
          { handle: 'netdevsim/netdevsim10', mode: 'switchdev', inlineMode: null, encapMode: null },
        ],
        tcOffload: new Map([['eth2', true]]),
        nonPciDevices: new Map([['netdevsim/netdevsim10', { driver: 'netdevsim', numVfs: 3 }]]),
      }),
    );
    expect(rest).toEqual([]);
    expect(nsim).toMatchObject({
      device: 'netdevsim/netdevsim10',
      ifname: 'eth2',
      driver: 'netdevsim',
      numVfs: 3,
      eswitchMode: 'switchdev',
      hwTcOffload: true,
    });
    expect(nsim?.vfs.map((v) => [v.index, v.representor, v.mac, v.vlan, v.trust])).toEqual([
      [0, 'eth3', '02:00:00:00:00:10', 100, false],
      [1, 'eth4', '00:00:00:00:00:00', 0, true],
      [2, 'eth5', '00:00:00:00:00:00', 0, false],
    ]);
  });

  it('have no representors in legacy mode, and an unknown mode without devlink', async () => {
    const { ports, vfLinks } = await capture();
    const [nsim] = assembleNonPciPfs(facts({ linkPorts: ports, vfLinks }));
    expect(nsim?.eswitchMode).toBeNull();
    expect(nsim?.vfs.every((v) => v.representor === null)).toBe(true);
    expect(nsim?.numVfs).toBe(3);
  });
});

describe('vDPA', () => {
  const pfs = [pf('0000:08:00.0', { vfs: [vf('0000:08:00.0', 0), vf('0000:08:00.0', 1)] })];
  const vf1 = pfs[0]?.vfs[1]?.pciAddress ?? '';

  it('places a device on the VF its management device is (mlx5 shape), and a simulator nowhere', () => {
    const vdpa = assembleVdpa(
      facts({
        vdpaMgmtdevs: [
          { name: `pci/${vf1}`, classes: ['net'], maxVqs: 16, features: [] },
          { name: 'vdpasim_net', classes: ['net'], maxVqs: 3, features: [] },
        ],
        vdpaDevices: [
          {
            name: 'vdpa10',
            mgmtdev: `pci/${vf1}`,
            type: 'network',
            mac: '02:11:22:33:44:55',
            mtu: 9000,
            maxVqs: 16,
            maxVqSize: 256,
            driver: 'vhost_vdpa',
            charDev: '/dev/vhost-vdpa-2',
          },
          {
            name: 'vdpa2',
            mgmtdev: 'vdpasim_net',
            type: 'network',
            mac: null,
            mtu: null,
            maxVqs: 3,
            maxVqSize: 256,
            driver: 'virtio_vdpa',
            charDev: null,
          },
        ],
      }),
      pfs,
    );
    expect(vdpa.mgmtdevs.map((m) => [m.name, m.pf, m.vfIndex])).toEqual([
      [`pci/${vf1}`, '0000:08:00.0', 1],
      ['vdpasim_net', null, null],
    ]);
    expect(vdpa.devices.map((d) => d.name)).toEqual(['vdpa2', 'vdpa10']);
    expect(vdpaOfVf(vdpa, vf1)).toEqual({
      name: 'vdpa10',
      charDev: '/dev/vhost-vdpa-2',
      driver: 'vhost_vdpa',
      mac: '02:11:22:33:44:55',
    });
    expect(vdpaOfVf(vdpa, pfs[0]?.vfs[0]?.pciAddress ?? '')).toBeNull();
  });
});
