import { describe, expect, it } from 'vitest';
import { parseHostState } from '../desired-state.js';
import { inventory, pf, vf } from '../../testing/inventory-builders.js';
import { computeHostPlan } from './compute-plan.js';
import {
  findUnsafeChanges,
  needsVfioHolders,
  unsafeChangeError,
  type InUseFacts,
} from './safety.js';
import type { Vf } from '../inventory.js';

const PF = '0000:01:00.0';
const noFacts: InUseFacts = { vfioHolders: [], uninspectedProcesses: 0 };
const vfio = {
  driver: 'vfio-pci',
  driverKind: 'vfio',
  driverOverride: 'vfio-pci',
  netdev: null,
} as const;

function check(vfs: Vf[], state: unknown, facts = noFacts) {
  const inv = inventory([pf(PF, { vfs })]);
  const s = parseHostState(state);
  const plan = computeHostPlan(s, inv);
  return {
    unsafe: findUnsafeChanges(plan, inv, s, facts),
    needsHolders: needsVfioHolders(plan, inv),
  };
}

const grow = { pfs: [{ pciAddress: PF, numVfs: 4 }] };

describe('findUnsafeChanges', () => {
  it('refuses to destroy a vfio-pci VF a process holds open, naming the process', () => {
    const facts = {
      vfioHolders: [{ group: 31, pid: 4242, command: 'qemu-system-x86' }],
      uninspectedProcesses: 0,
    };
    const { unsafe, needsHolders } = check([vf(PF, 0), vf(PF, 1, vfio)], grow, facts);
    expect(needsHolders).toBe(true);
    expect(unsafe).toEqual([
      {
        pf: PF,
        index: 1,
        pciAddress: '0000:01:10.2',
        change: 'destroy',
        reasons: [
          'bound to vfio-pci and held open by pid 4242 (qemu-system-x86) through /dev/vfio/31',
        ],
      },
    ]);
  });

  it('lets a vfio-pci VF nobody holds go, unless some processes could not be inspected', () => {
    expect(check([vf(PF, 0, vfio)], grow).unsafe).toEqual([]);
    const hidden = check([vf(PF, 0, vfio)], grow, {
      vfioHolders: [],
      uninspectedProcesses: 3,
    }).unsafe;
    expect(hidden[0]?.reasons[0]).toMatch(/3 process\(es\) could not be inspected/);
  });

  it('refuses a VF whose netdev is enslaved', () => {
    const { unsafe, needsHolders } = check([vf(PF, 0, { netdev: 'eth7', master: 'br0' })], grow);
    expect(needsHolders).toBe(false);
    expect(unsafe[0]?.reasons).toEqual(['netdev eth7 is enslaved to br0']);
  });

  it('refuses a VF whose netdev is up: it is in use as a host interface', () => {
    const { unsafe } = check([vf(PF, 0, { netdev: 'eth7', netdevUp: true })], grow);
    expect(unsafe[0]?.reasons).toEqual(['netdev eth7 is up (in use as a host interface)']);
  });

  it('does not count the MAC a kernel VF driver chose for its own netdev (igbvf registers it with the PF)', () => {
    const own = 'c6:e6:73:a5:e7:27';
    const mine = vf(PF, 0, { mac: own, netdevMac: own, netdev: 'eth2' });
    expect(check([mine], grow).unsafe).toEqual([]);
    // The same MAC on a vfio VF (no netdev) was set through the PF by someone: it counts.
    const theirs = vf(PF, 0, { ...vfio, mac: own });
    expect(check([theirs], grow).unsafe[0]?.reasons).toEqual([
      `carries settings the state does not declare for it: mac ${own}`,
    ]);
  });

  it('refuses to destroy settings the state does not declare for that VF', () => {
    const vfs = [
      vf(PF, 0, { mac: 'fa:16:3e:00:00:01', vlan: 10, qos: 2 }),
      vf(PF, 1, { trust: true, spoofchk: false, maxTxRate: 100 }),
    ];
    const { unsafe } = check(vfs, grow);
    expect(unsafe.map((u) => u.reasons)).toEqual([
      ['carries settings the state does not declare for it: mac fa:16:3e:00:00:01, vlan 10 qos 2'],
      ['carries settings the state does not declare for it: trust on, spoofchk off, maxTxRate 100'],
    ]);
  });

  it('accepts settings the state declares with the same values (they are put back)', () => {
    const vfs = [
      vf(PF, 0, { mac: 'fa:16:3e:00:00:01', vlan: 10, qos: 2 }),
      vf(PF, 1, { trust: true }),
    ];
    const state = {
      pfs: [
        {
          pciAddress: PF,
          numVfs: 4,
          vfs: [
            { index: 0, mac: 'fa:16:3e:00:00:01', vlan: 10, qos: 2 },
            { index: 1, trust: true },
          ],
        },
      ],
    };
    expect(check(vfs, state).unsafe).toEqual([]);
    // Same VF, declared with another VLAN: what it carries now is lost.
    const other = {
      pfs: [{ pciAddress: PF, numVfs: 4, vfs: [{ index: 0, mac: 'fa:16:3e:00:00:01', vlan: 11 }] }],
    };
    expect(check(vfs.slice(0, 1), other).unsafe[0]?.reasons).toEqual([
      'carries settings the state does not declare for it: vlan 10 qos 2',
    ]);
  });

  it('counts a VF beyond the new count as undeclared', () => {
    const vfs = [vf(PF, 0), vf(PF, 1), vf(PF, 2, { trust: true })];
    const state = { pfs: [{ pciAddress: PF, numVfs: 2, vfs: [{ range: '0-1', trust: true }] }] };
    expect(check(vfs, state).unsafe.map((u) => u.index)).toEqual([2]);
  });

  it('refuses to rebind a held VF, but a driver change keeps settings so they do not count', () => {
    const facts = { vfioHolders: [{ group: 30, pid: 7, command: null }], uninspectedProcesses: 0 };
    const state = { pfs: [{ pciAddress: PF, numVfs: 2, vfDriver: 'kernel' }] };
    const vfs = [vf(PF, 0, vfio), vf(PF, 1, { ...vfio, trust: true })];
    const { unsafe } = check(vfs, state, facts);
    expect(unsafe.map((u) => [u.index, u.change, u.reasons])).toEqual([
      [0, 'rebind', ['bound to vfio-pci and held open by pid 7 through /dev/vfio/30']],
    ]);
  });

  it('refuses drivers it cannot inspect, and ignores PFs going from 0', () => {
    expect(
      check([vf(PF, 0, { driver: 'igb_uio', driverKind: 'other', netdev: null })], grow).unsafe[0]
        ?.reasons,
    ).toEqual(['bound to igb_uio, a driver vfleet cannot inspect for users']);
    expect(check([], grow).unsafe).toEqual([]);
  });

  it('builds UNSAFE_CHANGE naming each VF and why', () => {
    const { unsafe } = check(
      [vf(PF, 0, { master: 'bond0', netdev: 'eth9' }), vf(PF, 1, { mac: 'fa:16:3e:00:00:02' })],
      grow,
    );
    const e = unsafeChangeError(unsafe);
    expect(e.code).toBe('UNSAFE_CHANGE');
    expect(e.message).toContain(
      '0000:01:00.0 vf 0 (0000:01:10.0) would be destroyed: netdev eth9 is enslaved to bond0',
    );
    expect(e.message).toContain('vf 1 (0000:01:10.2) would be destroyed: carries settings');
    expect(e.message).toMatch(/--force/);
  });
});
