import { describe, expect, it } from 'vitest';
import { makeInput, makeInventory, makePf, makeVf } from '../../testing/doctor-input.js';
import type { VdpaDevice } from '../inventory.js';
import { checkSwitchdev, checkVdpa } from './rules-switchdev.js';

const mlx5 = (over: Parameters<typeof makePf>[0] = {}) =>
  makePf({
    driver: 'mlx5_core',
    ifname: 'ens1f0np0',
    eswitchMode: 'switchdev',
    hwTcOffload: true,
    ...over,
  });
const vdpaDev = (over: Partial<VdpaDevice>): VdpaDevice => ({
  name: 'vdpa0',
  mgmtdev: 'vdpasim_net',
  pciAddress: null,
  pf: null,
  vfIndex: null,
  type: 'network',
  mac: null,
  mtu: null,
  maxVqs: 3,
  maxVqSize: 256,
  driver: 'virtio_vdpa',
  charDev: null,
  ...over,
});

describe('checkSwitchdev', () => {
  it('warns about VFs without a representor, naming them, with the mlx5 order as the fix', () => {
    const vfs = [makeVf(0, { representor: 'ens1f0np0_0' }), makeVf(1)];
    const [f, ...rest] = checkSwitchdev(
      makeInput({ inventory: makeInventory([mlx5({ vfs, numVfs: 2 })]) }),
    );
    expect(rest).toEqual([]);
    expect(f?.severity).toBe('warning');
    expect(f?.title).toBe('1 of 2 VF(s) have no representor: nothing can switch their traffic');
    expect(f?.evidence.join('\n')).toContain('VF(s) 1');
    expect(f?.fix?.join('\n')).toMatch(/unbind each VF/);
  });

  it('tells how to offload TC when hw-tc-offload is off, and is silent in legacy mode', () => {
    const off = checkSwitchdev(
      makeInput({ inventory: makeInventory([mlx5({ hwTcOffload: false, vfs: [], numVfs: 0 })]) }),
    );
    expect(off.map((f) => [f.severity, f.fix?.[0]])).toEqual([
      ['info', 'ethtool -K ens1f0np0 hw-tc-offload on (or hwTcOffload: true in the host state)'],
    ]);
    const legacy = makeVf(0);
    expect(
      checkSwitchdev(
        makeInput({ inventory: makeInventory([mlx5({ eswitchMode: 'legacy', vfs: [legacy] })]) }),
      ),
    ).toEqual([]);
  });
});

describe('checkVdpa', () => {
  it('warns that vhost_vdpa is missing when devices have no char device', () => {
    const inventory = { ...makeInventory([]), vdpa: { mgmtdevs: [], devices: [vdpaDev({})] } };
    const [f] = checkVdpa(makeInput({ inventory, modules: [] }));
    expect(f?.severity).toBe('warning');
    expect(f?.title).toMatch(/vhost_vdpa is not loaded: 1 vDPA device/);
    expect(f?.fix?.[1]).toBe(
      'Load it at every boot: echo vhost_vdpa > /etc/modules-load.d/vhost_vdpa.conf',
    );
    const loaded = checkVdpa(makeInput({ inventory, modules: ['vhost_vdpa'] }));
    expect(loaded.map((x) => x.severity)).toEqual(['info']);
    const bound = {
      ...inventory,
      vdpa: {
        mgmtdevs: [],
        devices: [vdpaDev({ driver: 'vhost_vdpa', charDev: '/dev/vhost-vdpa-0' })],
      },
    };
    expect(checkVdpa(makeInput({ inventory: bound, modules: ['vhost_vdpa'] }))).toEqual([]);
  });

  it('says an mlx5 switchdev PF whose VFs have no management device needs mlx5_vdpa', () => {
    const pf = mlx5({ vfs: [makeVf(0, { driver: 'mlx5_core' })], numVfs: 1 });
    const [f] = checkVdpa(makeInput({ inventory: makeInventory([pf]), modules: [] }));
    expect(f?.subject).toBe(pf.pciAddress);
    expect(f?.fix?.[0]).toMatch(/^modprobe mlx5_vdpa/);
  });
});
