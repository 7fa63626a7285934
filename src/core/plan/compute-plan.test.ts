import { describe, expect, it } from 'vitest';
import { parseHostState } from '../desired-state.js';
import { VfleetError } from '../errors.js';
import { inventory, pf, vf } from '../../testing/inventory-builders.js';
import { computeHostPlan } from './compute-plan.js';
import type { HostPlan } from './plan-types.js';

const PF = '0000:01:00.0';
const PF2 = '0000:81:00.0';

const planOf = (state: unknown, inv = inventory([pf(PF)])): HostPlan =>
  computeHostPlan(parseHostState(state), inv);

function planError(state: unknown, inv = inventory([pf(PF)])): VfleetError {
  try {
    planOf(state, inv);
  } catch (e) {
    if (e instanceof VfleetError) return e;
    throw e;
  }
  throw new Error('expected the plan to fail');
}

describe('computeHostPlan: VF counts', () => {
  it('creates VFs on a PF with none, predicting their addresses from offset and stride', () => {
    const plan = planOf({
      pfs: [
        {
          pciAddress: PF,
          numVfs: 4,
          vfDriver: 'vfio-pci',
          vfs: [{ index: 1, mac: 'fa:16:3e:00:00:01', vlan: 100, qos: 3 }],
        },
      ],
    });
    const p = plan.pfs[0];
    expect(p?.numVfs).toEqual({ from: 0, to: 4 });
    expect(p?.vfs.map((v) => [v.index, v.pciAddress, v.isNew, v.driver?.to])).toEqual([
      [0, '0000:01:10.0', true, 'vfio-pci'],
      [1, '0000:01:10.2', true, 'vfio-pci'],
      [2, '0000:01:10.4', true, 'vfio-pci'],
      [3, '0000:01:10.6', true, 'vfio-pci'],
    ]);
    expect(p?.vfs[1]?.attrs).toEqual([
      { attr: 'mac', from: null, to: 'fa:16:3e:00:00:01' },
      { attr: 'vlan', from: null, to: { vlan: 100, qos: 3, proto: '802.1Q' } },
    ]);
    // numVfs + 4 drivers + 2 settings
    expect(plan.changes).toBe(7);
  });

  it('plans a count change 4 -> 7 as a recreation of every VF and says so', () => {
    const inv = inventory([
      pf(PF, {
        vfCount: 4,
        vfs: [vf(PF, 0, { mac: 'fa:16:3e:00:00:09' }), vf(PF, 1), vf(PF, 2), vf(PF, 3)],
      }),
    ]);
    const plan = planOf(
      { pfs: [{ pciAddress: PF, numVfs: 7, vfs: [{ index: 0, mac: 'fa:16:3e:00:00:09' }] }] },
      inv,
    );
    const p = plan.pfs[0];
    expect(p?.numVfs).toEqual({ from: 4, to: 7 });
    expect(p?.notes.join(' ')).toMatch(/through 0.*4 existing VF/);
    // The MAC VF 0 has now does not survive the recreation, so it is planned again.
    expect(p?.vfs).toEqual([
      {
        index: 0,
        pciAddress: '0000:01:10.0',
        isNew: true,
        driver: null,
        attrs: [{ attr: 'mac', from: null, to: 'fa:16:3e:00:00:09' }],
        vdpa: null,
      },
    ]);
  });

  it('plans nothing on a converged host', () => {
    const inv = inventory([
      pf(PF, {
        vfs: [
          vf(PF, 0, {
            driver: 'vfio-pci',
            driverKind: 'vfio',
            driverOverride: 'vfio-pci',
            mac: 'fa:16:3e:00:00:01',
          }),
          vf(PF, 1, {
            driver: 'vfio-pci',
            driverKind: 'vfio',
            driverOverride: 'vfio-pci',
            vlan: 2401,
            qos: 3,
            trust: true,
          }),
        ],
      }),
    ]);
    const plan = planOf(
      {
        pfs: [
          {
            pciAddress: PF,
            numVfs: 2,
            vfDriver: 'vfio-pci',
            vfs: [
              { index: 0, mac: 'FA:16:3E:00:00:01' },
              { index: 1, vlan: 2401, qos: 3 },
            ],
          },
        ],
      },
      inv,
    );
    expect(plan.changes).toBe(0);
    expect(plan.pfs[0]?.vfs).toEqual([]);
  });

  it('brings a down PF up, and leaves the link alone with up: false', () => {
    const inv = inventory([pf(PF, { adminUp: false })]);
    expect(planOf({ pfs: [{ pciAddress: PF, numVfs: 0 }] }, inv).pfs[0]?.link).toEqual({
      from: 'down',
      to: 'up',
    });
    expect(planOf({ pfs: [{ pciAddress: PF, numVfs: 0, up: false }] }, inv).changes).toBe(0);
  });
});

describe('computeHostPlan: drivers', () => {
  const four = () => [0, 1, 2, 3].map((i) => vf(PF, i));

  it('rebinds kernel-bound VFs to vfio-pci and skips those already there', () => {
    const vfs = four();
    vfs[3] = vf(PF, 3, {
      driver: 'vfio-pci',
      driverKind: 'vfio',
      driverOverride: 'vfio-pci',
      netdev: null,
    });
    const plan = planOf(
      { pfs: [{ pciAddress: PF, numVfs: 4, vfDriver: 'vfio-pci' }] },
      inventory([pf(PF, { vfs })]),
    );
    expect(plan.pfs[0]?.vfs.map((v) => [v.index, v.driver])).toEqual([
      [0, { from: 'igbvf', to: 'vfio-pci', method: 'override' }],
      [1, { from: 'igbvf', to: 'vfio-pci', method: 'override' }],
      [2, { from: 'igbvf', to: 'vfio-pci', method: 'override' }],
    ]);
  });

  it("resolves kernel to the PF driver's VF driver and clears a stale override", () => {
    const vfs = four();
    vfs[0] = vf(PF, 0, { driver: 'vfio-pci', driverKind: 'vfio', driverOverride: 'vfio-pci' });
    vfs[1] = vf(PF, 1, { driverOverride: 'vfio-pci' }); // on igbvf, but would go to vfio-pci on next probe
    const inv = inventory([pf(PF, { vfs })]);
    for (const vfDriver of ['kernel', 'igbvf']) {
      const plan = planOf({ pfs: [{ pciAddress: PF, numVfs: 4, vfDriver }] }, inv);
      expect(plan.pfs[0]?.vfDriver).toBe('igbvf');
      expect(plan.pfs[0]?.vfs.map((v) => [v.index, v.driver])).toEqual([
        [0, { from: 'vfio-pci', to: 'igbvf', method: 'kernel' }],
        [1, { from: 'igbvf', to: 'igbvf', method: 'kernel' }],
      ]);
    }
  });

  it('leaves drivers alone when vfDriver is not declared', () => {
    const vfs = four();
    vfs[2] = vf(PF, 2, { driver: 'vfio-pci', driverKind: 'vfio', driverOverride: 'vfio-pci' });
    expect(
      planOf({ pfs: [{ pciAddress: PF, numVfs: 4 }] }, inventory([pf(PF, { vfs })])).changes,
    ).toBe(0);
  });

  it('asks for an explicit VF driver when the PF driver has no known one', () => {
    const e = planError(
      { pfs: [{ pciAddress: PF, numVfs: 2, vfDriver: 'kernel' }] },
      inventory([pf(PF, { driver: 'acme_nic' })]),
    );
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.details.field).toBe('pfs[0].vfDriver');
    expect(e.message).toMatch(/acme_nic/);
  });
});

describe('computeHostPlan: VF settings', () => {
  const inv = (over: Parameters<typeof vf>[2]) =>
    inventory([pf(PF, { vfs: [vf(PF, 0, over), vf(PF, 1)] })]);

  it('lists each declared setting that differs, and only those', () => {
    const plan = planOf(
      {
        pfs: [
          {
            pciAddress: PF,
            numVfs: 2,
            vfs: [
              {
                index: 0,
                mac: 'fa:16:3e:00:00:01',
                vlan: 100,
                qos: 3,
                spoofchk: true,
                trust: true,
                state: 'enable',
                maxTxRate: 100,
                minTxRate: 0,
              },
            ],
          },
        ],
      },
      inv({ trust: false, maxTxRate: 0 }),
    );
    expect(plan.pfs[0]?.vfs[0]?.attrs).toEqual([
      { attr: 'mac', from: '00:00:00:00:00:00', to: 'fa:16:3e:00:00:01' },
      {
        attr: 'vlan',
        from: { vlan: 0, qos: 0, proto: '802.1Q' },
        to: { vlan: 100, qos: 3, proto: '802.1Q' },
      },
      { attr: 'trust', from: false, to: true },
      { attr: 'state', from: 'auto', to: 'enable' },
      { attr: 'maxTxRate', from: 0, to: 100 },
    ]);
  });

  it('leaves undeclared settings alone', () => {
    const plan = planOf(
      { pfs: [{ pciAddress: PF, numVfs: 2, vfs: [{ index: 0, spoofchk: true }] }] },
      inv({ trust: true, vlan: 5, mac: 'fa:16:3e:00:00:07' }),
    );
    expect(plan.changes).toBe(0);
  });

  it('treats vlan as the whole tag: qos and proto default to 0 and 802.1Q', () => {
    const state = { pfs: [{ pciAddress: PF, numVfs: 2, vfs: [{ index: 0, vlan: 100 }] }] };
    expect(planOf(state, inv({ vlan: 100 })).changes).toBe(0);
    expect(planOf(state, inv({ vlan: 100, qos: 3 })).pfs[0]?.vfs[0]?.attrs).toEqual([
      {
        attr: 'vlan',
        from: { vlan: 100, qos: 3, proto: '802.1Q' },
        to: { vlan: 100, qos: 0, proto: '802.1Q' },
      },
    ]);
    expect(planOf(state, inv({ vlan: 100, vlanProto: '802.1ad' })).changes).toBe(1);
  });

  it('plans a setting the host does not report (null) from "?"', () => {
    const plan = planOf(
      { pfs: [{ pciAddress: PF, numVfs: 2, vfs: [{ index: 0, spoofchk: true }] }] },
      inv({ spoofchk: null }),
    );
    expect(plan.pfs[0]?.vfs[0]?.attrs).toEqual([{ attr: 'spoofchk', from: null, to: true }]);
  });

  it('expands a range to each VF in it', () => {
    const inv4 = inventory([pf(PF, { vfCount: 4 })]);
    const plan = planOf(
      { pfs: [{ pciAddress: PF, numVfs: 4, vfs: [{ range: '0-2', trust: true }] }] },
      inv4,
    );
    expect(plan.pfs[0]?.vfs.map((v) => [v.index, v.attrs.map((a) => a.attr)])).toEqual([
      [0, ['trust']],
      [1, ['trust']],
      [2, ['trust']],
    ]);
  });

  it('refuses VF settings on a PF without netdev, naming the field', () => {
    const e = planError(
      {
        pfs: [
          { pciAddress: PF, numVfs: 0, vfs: [] },
          { pciAddress: PF2, numVfs: 1, vfs: [{ index: 0, trust: true }] },
        ],
      },
      inventory([pf(PF), pf(PF2, { ifname: null, vfCount: 1 })]),
    );
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.details.field).toBe('pfs[1].vfs[0].trust');
  });

  it('only notes a PF without netdev when nothing needs it', () => {
    const plan = planOf(
      { pfs: [{ pciAddress: PF, numVfs: 0 }] },
      inventory([pf(PF, { ifname: null, adminUp: null })]),
    );
    expect(plan.changes).toBe(0);
    expect(plan.pfs[0]?.notes).toEqual(['the PF has no netdev, so its link is not managed']);
  });
});

describe('computeHostPlan: selecting PFs', () => {
  const two = inventory([
    pf(PF),
    pf(PF2, { ifname: 'eth1' }),
    pf('0000:02:00.0', { vendorId: '15b3', deviceId: '1017', driver: 'mlx5_core', ifname: 'ens2' }),
  ]);

  it('selects by match keys, one or several PFs', () => {
    const byDriver = planOf({ pfs: [{ match: { driver: 'igb' }, numVfs: 2 }] }, two);
    expect(byDriver.pfs.map((p) => [p.entry, p.pciAddress])).toEqual([
      [0, PF],
      [0, PF2],
    ]);
    const byIds = planOf(
      { pfs: [{ match: { vendor: '0x15B3', device: '1017' }, numVfs: 2 }] },
      two,
    );
    expect(byIds.pfs.map((p) => p.pciAddress)).toEqual(['0000:02:00.0']);
    const withName = planOf(
      { pfs: [{ match: { driver: 'igb', ifname: 'eth1' }, numVfs: 2 }] },
      two,
    );
    expect(withName.pfs.map((p) => p.pciAddress)).toEqual([PF2]);
  });

  it('fails with NOT_FOUND when a match selects nothing', () => {
    const e = planError({ pfs: [{ match: { vendor: '8086', device: '1572' }, numVfs: 2 }] }, two);
    expect(e.code).toBe('NOT_FOUND');
    expect(e.details.field).toBe('pfs[0].match');
    expect(e.message).toMatch(/vendor 8086, device 1572.*0000:01:00.0/);
  });

  it('refuses a PF selected twice', () => {
    const e = planError(
      {
        pfs: [
          { pciAddress: PF2, numVfs: 1 },
          { match: { driver: 'igb' }, numVfs: 2 },
        ],
      },
      two,
    );
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.details.field).toBe('pfs[1].match');
    expect(e.message).toMatch(/0000:81:00.0 is already selected by pfs\[0\]/);
  });

  it('refuses a MAC under a match that selects several PFs', () => {
    const e = planError(
      {
        pfs: [
          { match: { driver: 'igb' }, numVfs: 2, vfs: [{ index: 0, mac: 'fa:16:3e:00:00:01' }] },
        ],
      },
      two,
    );
    expect(e.details.field).toBe('pfs[0].vfs[0].mac');
    expect(e.message).toMatch(/selects 2 PFs/);
  });
});

describe('computeHostPlan: checks against the host', () => {
  it('fails NOT_FOUND for an unknown PF, and says when the address is a VF', () => {
    const e = planError({ pfs: [{ pciAddress: '0000:05:00.0', numVfs: 1 }] });
    expect([e.code, e.details.field]).toEqual(['NOT_FOUND', 'pfs[0].pciAddress']);
    const inv = inventory([pf(PF, { vfCount: 2 })]);
    expect(planError({ pfs: [{ pciAddress: '0000:01:10.2', numVfs: 1 }] }, inv).message).toMatch(
      /VF 1 of 0000:01:00.0, not a PF/,
    );
  });

  it('refuses numVfs above totalVfs, naming totalVfs', () => {
    const e = planError({ pfs: [{ pciAddress: PF, numVfs: 8 }] });
    expect([e.code, e.details.field]).toEqual(['INVALID_INPUT', 'pfs[0].numVfs']);
    expect(e.message).toMatch(/numVfs 8 exceeds totalVfs 7/);
  });

  it('reports every problem at once, the first as the field', () => {
    const e = planError({
      pfs: [
        { pciAddress: PF, numVfs: 9 },
        { pciAddress: '0000:09:00.0', numVfs: 1 },
      ],
    });
    expect(e.details.field).toBe('pfs[0].numVfs');
    expect((e.details.problems as unknown[]).length).toBe(2);
  });

  it('refuses a count change on a PF without driver', () => {
    const e = planError(
      { pfs: [{ pciAddress: PF, numVfs: 2 }] },
      inventory([pf(PF, { driver: null, ifname: null })]),
    );
    expect(e.details.field).toBe('pfs[0].numVfs');
  });
});
