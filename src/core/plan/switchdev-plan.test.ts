import { describe, expect, it } from 'vitest';
import { parseHostState } from '../desired-state.js';
import { VfleetError } from '../errors.js';
import { NO_VDPA } from '../inventory.js';
import type { VdpaInventory } from '../inventory.js';
import { inventory, pf, vf } from '../../testing/inventory-builders.js';
import { computeHostPlan, vdpaNameFor } from './compute-plan.js';
import { renderPlan } from './render-plan.js';

const PF = '0000:08:00.0';
const mlx5 = (over: Parameters<typeof pf>[1] = {}) =>
  pf(PF, { driver: 'mlx5_core', ifname: 'ens1f0np0', eswitchMode: 'legacy', ...over });
const vfs4 = (over: Parameters<typeof vf>[2] = {}) =>
  [0, 1, 2, 3].map((i) => vf(PF, i, { driver: 'mlx5_core', ...over }));

const planOf = (state: unknown, pfs = [mlx5()], vdpa: VdpaInventory = NO_VDPA) =>
  computeHostPlan(parseHostState(state), inventory(pfs, { vdpa }));

function planError(state: unknown, pfs = [mlx5()], vdpa: VdpaInventory = NO_VDPA): VfleetError {
  try {
    planOf(state, pfs, vdpa);
  } catch (e) {
    if (e instanceof VfleetError) return e;
    throw e;
  }
  throw new Error('expected the plan to fail');
}

describe('computeHostPlan: eswitch mode', () => {
  it('plans mlx5 to switchdev with its VFs kept (they are unbound around the change)', () => {
    const p = planOf(
      { pfs: [{ pciAddress: PF, numVfs: 4, eswitchMode: 'switchdev', hwTcOffload: true }] },
      [mlx5({ vfs: vfs4() })],
    ).pfs[0];
    expect(p?.eswitch).toEqual({ from: 'legacy', to: 'switchdev', order: 'vfs-unbound' });
    expect(p?.numVfs).toBeNull();
    // Read only in switchdev mode: unknown until the mode changes.
    expect(p?.tcOffload).toEqual({ from: null, to: true });
    expect(p?.changes).toBe(2);
    expect(renderPlan({ pfs: p ? [p] : [], vdpa: [], devices: [], changes: 2 })).toContain(
      'eswitch legacy -> switchdev (vfs-unbound)',
    );
  });

  it('plans ice through 0 VFs, since ice changes mode only without VFs, and says so', () => {
    const ice = pf(PF, { driver: 'ice', eswitchMode: 'legacy', vfs: vfs4({ driver: 'iavf' }) });
    const p = planOf({ pfs: [{ pciAddress: PF, numVfs: 4, eswitchMode: 'switchdev' }] }, [ice])
      .pfs[0];
    expect(p?.eswitch?.order).toBe('no-vfs');
    expect(p?.numVfs).toEqual({ from: 4, to: 4 });
    expect(p?.notes.join(' ')).toMatch(/ice changes the eswitch mode only without VFs/);
  });

  it('plans nothing when the mode and offload already match', () => {
    const p = planOf(
      { pfs: [{ pciAddress: PF, numVfs: 0, eswitchMode: 'switchdev', hwTcOffload: true }] },
      [mlx5({ eswitchMode: 'switchdev', hwTcOffload: true })],
    );
    expect(p.changes).toBe(0);
  });

  it('refuses switchdev on a driver without an eswitch, naming the field', () => {
    const e = planError({ pfs: [{ pciAddress: PF, numVfs: 0, eswitchMode: 'switchdev' }] }, [
      pf(PF, { driver: 'igb' }),
    ]);
    expect(e.message).toMatch(/pfs\[0\]\.eswitchMode.*igb, which has no devlink eswitch/s);
  });

  it('refuses hwTcOffload without switchdev', () => {
    expect(() =>
      parseHostState({ pfs: [{ pciAddress: PF, numVfs: 0, hwTcOffload: true }] }),
    ).toThrow(/pfs\[0\]\.hwTcOffload.*needs eswitchMode: switchdev/s);
  });
});

describe('computeHostPlan: vDPA devices on VFs', () => {
  const addr = (i: number) => vf(PF, i).pciAddress;
  const mgmt = (i: number) => ({
    name: `pci/${addr(i)}`,
    pciAddress: addr(i),
    pf: PF,
    vfIndex: i,
    classes: ['net'],
    maxVqs: 16,
    features: [],
  });
  const withVdpa = (i: number, name: string, mac: string | null, driver: string) =>
    vf(PF, i, { driver: 'mlx5_core', vdpa: { name, mac, driver, charDev: null } });

  it('makes one on a VF with a management device, named for the VF', () => {
    const p = planOf(
      {
        pfs: [
          { pciAddress: PF, numVfs: 2, vfs: [{ index: 1, vdpa: { mac: '02:00:00:00:00:01' } }] },
        ],
      },
      [mlx5({ vfs: vfs4().slice(0, 2) })],
      { mgmtdevs: [mgmt(1)], devices: [] },
    ).pfs[0];
    expect(p?.vfs.map((v) => [v.index, v.vdpa])).toEqual([
      [1, { from: null, to: { name: vdpaNameFor(addr(1)), mac: '02:00:00:00:00:01' } }],
    ]);
  });

  it('leaves a matching device alone, rebinds one on virtio_vdpa, replaces one of another MAC', () => {
    const state = {
      pfs: [
        {
          pciAddress: PF,
          numVfs: 3,
          vfs: [
            { index: 0, vdpa: { mac: '02:00:00:00:00:00' } },
            { index: 1, vdpa: {} },
            { index: 2, vdpa: { mac: '02:00:00:00:00:02' } },
          ],
        },
      ],
    };
    const p = planOf(
      state,
      [
        mlx5({
          vfs: [
            withVdpa(0, 'vdpa0', '02:00:00:00:00:00', 'vhost_vdpa'),
            withVdpa(1, 'vdpa1', '02:00:00:00:00:11', 'virtio_vdpa'),
            withVdpa(2, 'vdpa2', '02:00:00:00:00:99', 'vhost_vdpa'),
          ],
        }),
      ],
      { mgmtdevs: [mgmt(0), mgmt(1), mgmt(2)], devices: [] },
    ).pfs[0];
    expect(p?.vfs.map((v) => [v.index, v.vdpa?.to])).toEqual([
      [1, { name: 'vdpa1', mac: '02:00:00:00:00:11' }],
      [2, { name: vdpaNameFor(addr(2)), mac: '02:00:00:00:00:02' }],
    ]);
  });

  it('refuses a VF without a management device, or bound to vfio-pci, saying what to do', () => {
    const state = (vfDriver?: string) => ({
      pfs: [
        {
          pciAddress: PF,
          numVfs: 1,
          ...(vfDriver ? { vfDriver } : {}),
          vfs: [{ index: 0, vdpa: {} }],
        },
      ],
    });
    expect(planError(state(), [mlx5({ vfs: vfs4().slice(0, 1) })]).message).toMatch(
      /pfs\[0\]\.vfs\[0\]\.vdpa.*no vDPA management device pci\/.*mlx5_vdpa/s,
    );
    expect(
      planError(state('vfio-pci'), [mlx5({ vfs: vfs4().slice(0, 1) })], {
        mgmtdevs: [mgmt(0)],
        devices: [],
      }).message,
    ).toMatch(/bound to vfio-pci: a vDPA device is made on a VF its kernel driver holds/);
  });

  it('refuses a vDPA MAC shared by a range of VFs', () => {
    expect(() =>
      parseHostState({
        pfs: [
          {
            pciAddress: PF,
            numVfs: 2,
            vfs: [{ range: '0-1', vdpa: { mac: '02:00:00:00:00:01' } }],
          },
        ],
      }),
    ).toThrow(/vdpa\.mac.*cannot be shared by a range/s);
  });
});
