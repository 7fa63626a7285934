import { describe, expect, it } from 'vitest';
import { parseHostState } from '../desired-state.js';
import { VfleetError } from '../errors.js';
import type { NonPciPf } from '../inventory.js';
import { inventory, nonPciPf, nonPciVf, pf } from '../../testing/inventory-builders.js';
import { computeHostPlan } from './compute-plan.js';
import { renderPlan } from './render-plan.js';

const DEVICE = 'netdevsim/netdevsim1';
const PCI = '0000:01:00.0';

const planOf = (state: unknown, devices: NonPciPf[] = [nonPciPf()]) =>
  computeHostPlan(parseHostState(state), inventory([pf(PCI)], { nonPciPfs: devices }));

function planError(state: unknown, devices: NonPciPf[] = [nonPciPf()]): VfleetError {
  try {
    planOf(state, devices);
  } catch (e) {
    if (e instanceof VfleetError) return e;
    throw e;
  }
  throw new Error('expected the plan to fail');
}

const problems = (e: VfleetError) =>
  (e.details.problems as { field: string; reason: string; code: string }[] | undefined) ?? [];

describe('computeHostPlan: a PF off PCI, selected by device', () => {
  it('plans link, count, switchdev, offload and VF settings through the netdev, and nothing on PCI PFs', () => {
    const plan = planOf({
      pfs: [
        {
          device: DEVICE,
          numVfs: 2,
          eswitchMode: 'switchdev',
          hwTcOffload: true,
          vfs: [
            { index: 0, mac: '02:00:00:00:0a:01', vlan: 100, qos: 2 },
            { index: 1, trust: true },
          ],
        },
      ],
    });
    expect(plan.pfs).toEqual([]);
    const d = plan.devices[0];
    expect(d).toMatchObject({
      entry: 0,
      device: DEVICE,
      ifname: 'eth2',
      driver: 'netdevsim',
      link: { from: 'down', to: 'up' },
      numVfs: { from: 0, to: 2 },
      eswitch: { from: 'legacy', to: 'switchdev', order: 'any' },
      tcOffload: { from: null, to: true },
    });
    expect(d?.vfs.map((v) => [v.index, v.pciAddress, v.isNew, v.driver, v.vdpa])).toEqual([
      [0, null, true, null, null],
      [1, null, true, null, null],
    ]);
    expect(d?.vfs[0]?.attrs.map((a) => a.attr)).toEqual(['mac', 'vlan']);
    expect(plan.changes).toBe(7);
    const text = renderPlan(plan);
    expect(text).toContain(`${DEVICE} (eth2, netdevsim): 7 change(s)`);
    expect(text).toContain('  vf 0 (new)\n    mac ? -> 02:00:00:00:0a:01\n    vlan ? -> 100 qos 2');
    expect(text).toContain('Plan: 7 change(s) on 1 of 1 PF(s).');
  });

  it('plans only what differs on existing VFs, and nothing on a converged device', () => {
    const have = nonPciPf({
      adminUp: true,
      eswitchMode: 'switchdev',
      hwTcOffload: true,
      vfs: [nonPciVf(0, { vlan: 100, qos: 2 }), nonPciVf(1)],
    });
    const state = {
      pfs: [
        {
          device: DEVICE,
          numVfs: 2,
          eswitchMode: 'switchdev',
          hwTcOffload: true,
          vfs: [
            { index: 0, vlan: 100, qos: 2 },
            { index: 1, spoofchk: true },
          ],
        },
      ],
    };
    const d = planOf(state, [have]).devices[0];
    expect(d?.numVfs).toBeNull();
    expect(d?.vfs).toEqual([
      {
        index: 1,
        pciAddress: null,
        isNew: false,
        driver: null,
        vdpa: null,
        attrs: [{ attr: 'spoofchk', from: false, to: true }],
      },
    ]);
    const done = nonPciPf({
      ...have,
      vfs: [have.vfs[0] ?? nonPciVf(0), nonPciVf(1, { spoofchk: true })],
    });
    expect(planOf(state, [done]).changes).toBe(0);
  });

  it('refuses what only a PCI function has: a VF driver (vfio) and a vDPA device on a VF', () => {
    const e = planError({
      pfs: [
        {
          device: DEVICE,
          numVfs: 1,
          vfDriver: 'vfio-pci',
          vfs: [{ index: 0, vdpa: {} }],
        },
      ],
    });
    expect(e.code).toBe('INVALID_INPUT');
    expect(problems(e).map((p) => p.field)).toEqual(['pfs[0].vfDriver', 'pfs[0].vfs[0].vdpa']);
    expect(problems(e)[0]?.reason).toMatch(/not PCI functions: there is no VF driver to bind/);
    expect(e.message).toMatch(
      /^state: pfs\[0\]\.vfDriver: the VFs of netdevsim\/netdevsim1 \(eth2\)/,
    );
  });

  it('refuses VF rates where the mode left is switchdev (netdevsim takes them in legacy only)', () => {
    const rate = (eswitchMode: string) => ({
      pfs: [{ device: DEVICE, numVfs: 2, eswitchMode, vfs: [{ range: '0-1', maxTxRate: 100 }] }],
    });
    const e = planError(rate('switchdev'), [nonPciPf({ vfCount: 2 })]);
    expect(problems(e).map((p) => p.field)).toEqual(['pfs[0].vfs[0].maxTxRate']);
    expect(problems(e)[0]?.reason).toMatch(/legacy mode only/);
    // In legacy mode the same rates are planned.
    const legacy = planOf(rate('legacy'), [nonPciPf({ vfCount: 2 })]).devices[0];
    expect(legacy?.vfs.map((v) => v.attrs)).toEqual([
      [{ attr: 'maxTxRate', from: 0, to: 100 }],
      [{ attr: 'maxTxRate', from: 0, to: 100 }],
    ]);
    // A rate 0 on VFs still to be made is no change once they exist: let through.
    const zero = { pfs: [{ device: DEVICE, numVfs: 2, vfs: [{ range: '0-1', maxTxRate: 0 }] }] };
    expect(() => planOf(zero, [nonPciPf({ eswitchMode: 'switchdev' })])).not.toThrow();
  });

  it('puts switchdev back after a count change through 0 (netdevsim falls back to legacy there)', () => {
    const sw = nonPciPf({ adminUp: true, eswitchMode: 'switchdev', hwTcOffload: true, vfCount: 3 });
    const d = planOf({ pfs: [{ device: DEVICE, numVfs: 2 }] }, [sw]).devices[0];
    expect(d?.numVfs).toEqual({ from: 3, to: 2 });
    expect(d?.eswitch).toEqual({ from: 'legacy', to: 'switchdev', order: 'any' });
    expect(d?.tcOffload).toBeNull();
    expect(d?.notes.join(' ')).toMatch(/falls back to legacy/);
    // Legacy stays legacy: nothing to put back.
    const legacy = nonPciPf({ adminUp: true, vfCount: 3 });
    expect(
      planOf({ pfs: [{ device: DEVICE, numVfs: 2 }] }, [legacy]).devices[0]?.eswitch,
    ).toBeNull();
  });

  it('names the device missing, with those the host has; and refuses a pci/ handle and a device declared twice', () => {
    const e = planError({ pfs: [{ device: 'netdevsim/netdevsim9', numVfs: 0 }] });
    expect(e.code).toBe('NOT_FOUND');
    expect(e.details.field).toBe('pfs[0].device');
    expect(e.message).toContain('there are: netdevsim/netdevsim1 (eth2)');
    const none = planError({ pfs: [{ device: DEVICE, numVfs: 0 }] }, []);
    expect(none.message).toContain('/sys/bus/netdevsim/new_device');
    expect(() => parseHostState({ pfs: [{ device: `pci/${PCI}`, numVfs: 0 }] })).toThrow(
      /select it by pciAddress: 0000:01:00.0/,
    );
    expect(() =>
      parseHostState({
        pfs: [
          { device: DEVICE, numVfs: 0 },
          { device: DEVICE, numVfs: 1 },
        ],
      }),
    ).toThrow(/netdevsim\/netdevsim1 is already declared by pfs\[0\]/);
    expect(() => parseHostState({ pfs: [{ device: DEVICE, pciAddress: PCI, numVfs: 0 }] })).toThrow(
      /exactly one of pciAddress, match or device/,
    );
  });

  it('leaves PFs off PCI to device entries: a match selects PCI PFs only', () => {
    const plan = planOf({ pfs: [{ match: { driver: 'igb' }, numVfs: 1 }] });
    expect(plan.pfs.map((p) => p.pciAddress)).toEqual([PCI]);
    expect(plan.devices).toEqual([]);
  });
});
