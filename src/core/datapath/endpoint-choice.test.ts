import { describe, expect, it } from 'vitest';
import { inventory, pf, vf } from '../../testing/inventory-builders.js';
import { VfleetError } from '../errors.js';
import type { HostInventory, Pf } from '../inventory.js';
import { chooseEndpoints, type EndpointWish } from './endpoint-choice.js';

const A = '0000:03:00.0';
const B = '0000:04:00.0';

/** PF A (eth0) with VFs eth10..; PF B (eth1) with VFs eth20..; both up with free VFs unless overridden. */
function host(a: Partial<Pf> = {}, b: Partial<Pf> = {}): HostInventory {
  return inventory([
    pf(A, { vfCount: 3, ...a }),
    pf(B, {
      ifname: 'eth1',
      vfs: [0, 1, 2].map((i) => vf(B, i, { netdev: `eth${String(20 + i)}` })),
      ...b,
    }),
  ]);
}

function refusal(inv: HostInventory, wish: EndpointWish): VfleetError {
  try {
    chooseEndpoints(inv, wish);
  } catch (e) {
    if (e instanceof VfleetError) return e;
    throw e;
  }
  throw new Error('chose endpoints');
}

const names = (inv: HostInventory, wish: EndpointWish = {}) => {
  const c = chooseEndpoints(inv, wish);
  return {
    pf: c.pf.ifname,
    vfs: c.vfs === null ? null : [c.vfs.sender.netdev, c.vfs.receiver.netdev],
    vfsMissing: c.vfsMissing,
  };
};

describe('chooseEndpoints', () => {
  it('takes the first PF that is up with two free VFs, and its first two', () => {
    expect(names(host())).toEqual({ pf: 'eth0', vfs: ['eth10', 'eth11'], vfsMissing: null });
  });

  it('passes over a PF that is down, or up without two free VFs', () => {
    expect(names(host({ adminUp: false }))).toMatchObject({ pf: 'eth1', vfs: ['eth20', 'eth21'] });
    const busy = (i: number) => vf(A, i, { netdevUp: true });
    expect(names(host({ vfs: [busy(0), busy(1), vf(A, 2)] }))).toMatchObject({
      pf: 'eth1',
      vfs: ['eth20', 'eth21'],
    });
  });

  it('skips VFs that are up, on vfio-pci, or without a netdev', () => {
    const vfs = [
      vf(A, 0, { netdevUp: true }),
      vf(A, 1, { driver: 'vfio-pci', driverKind: 'vfio', netdev: null, netdevUp: null }),
      vf(A, 2, { netdev: null }),
      vf(A, 3),
      vf(A, 4, { netdevUp: null }),
    ];
    expect(names(host({ vfs }))).toEqual({ pf: 'eth0', vfs: ['eth13', 'eth14'], vfsMissing: null });
  });

  it('takes the named PF', () => {
    expect(names(host(), { pf: 'eth1' })).toMatchObject({ pf: 'eth1', vfs: ['eth20', 'eth21'] });
  });

  it('takes the PF of the VFs named without --pf, not the first PF', () => {
    expect(names(host(), { vfs: ['eth21', 'eth20'] })).toMatchObject({
      pf: 'eth1',
      vfs: ['eth21', 'eth20'],
    });
  });

  it('gives vfs: null with the reason when the PF has no two free VFs', () => {
    const one = { vfs: [vf(A, 0), vf(A, 1, { netdevUp: true })] };
    const c = chooseEndpoints(host(one, { adminUp: false }), {});
    expect(c.pf.ifname).toBe('eth0');
    expect(c.vfs).toBeNull();
    expect(c.vfsMissing).toBe(
      'eth0 has no two free VFs (kernel driver, netdev down); create them with vfleet host apply',
    );
    expect(names(host({ vfs: [] }), { pf: 'eth0' })).toMatchObject({ pf: 'eth0', vfs: null });
  });

  it.each([
    [
      'a PF that is not there',
      host(),
      { pf: 'eth7' },
      '--pf: eth7 is not an SR-IOV PF on this host',
    ],
    [
      'a named PF that is down',
      host({}, { adminUp: false }),
      { pf: 'eth1' },
      '--pf: eth1 is down: its VFs carry no traffic (vfleet host apply brings PFs up)',
    ],
    [
      'the only PFs, all down',
      host({ adminUp: false }, { adminUp: false }),
      {},
      '--pf: eth0 is down: its VFs carry no traffic (vfleet host apply brings PFs up)',
    ],
    [
      'a PF without a netdev',
      inventory([pf(A, { ifname: null, vfCount: 2 })]),
      {},
      `--pf: ${A} is down: its VFs carry no traffic (vfleet host apply brings PFs up)`,
    ],
    ['a host without PFs', inventory([]), {}, '--pf: this host has no SR-IOV PF'],
  ])('refuses %s naming pf', (_what, inv, wish, message) => {
    const e = refusal(inv, wish);
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.details).toEqual({ field: 'pf' });
    expect(e.message).toBe(message);
  });

  it('takes the VFs named by --vfs, sender first', () => {
    expect(names(host(), { vfs: ['eth12', 'eth10'] })).toEqual({
      pf: 'eth0',
      vfs: ['eth12', 'eth10'],
      vfsMissing: null,
    });
  });

  it.each([
    [['eth10'], 'give two different VF netdevs, sender first (--vfs eth2,eth3)'],
    [['eth10', 'eth10'], 'give two different VF netdevs, sender first (--vfs eth2,eth3)'],
    [['eth10', 'eth12', 'eth12'], 'give two different VF netdevs, sender first (--vfs eth2,eth3)'],
    [[], 'give two different VF netdevs, sender first (--vfs eth2,eth3)'],
    [['eth10', 'eth20'], 'eth20 is not a VF netdev of eth0'],
    [['eth0', 'eth11'], 'eth0 is not a VF netdev on this host'],
    [['eth10', 'eth11'], 'eth11 is up or not on its kernel driver: it may be in use'],
  ])('refuses --vfs %j naming vfs', (vfs, said) => {
    const inv = host({ vfs: [vf(A, 0), vf(A, 1, { netdevUp: true }), vf(A, 2)] });
    const e = refusal(inv, { vfs });
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.details).toEqual({ field: 'vfs' });
    expect(e.message).toContain(`--vfs: ${said}`);
  });

  it('refuses a VF on vfio-pci even when named', () => {
    const vfs = [vf(A, 0), vf(A, 1, { driver: 'vfio-pci', driverKind: 'vfio', netdevUp: null })];
    expect(refusal(host({ vfs }), { pf: 'eth0', vfs: ['eth10', 'eth11'] }).message).toContain(
      'eth11 is up or not on its kernel driver',
    );
  });
});
