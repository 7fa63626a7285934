import { describe, expect, it } from 'vitest';
import { parseHostState } from '../desired-state.js';
import { inventory, nonPciPf, pf } from '../../testing/inventory-builders.js';
import { pfsNotReady } from './pf-readiness.js';

const PF = '0000:01:00.0';

describe('pfsNotReady', () => {
  const state = parseHostState({
    pfs: [
      { pciAddress: PF, numVfs: 2 },
      { match: { driver: 'ixgbe' }, numVfs: 1 },
    ],
  });

  it('waits for absent PFs, PFs without driver and PFs without netdev', () => {
    expect(pfsNotReady(state, inventory([pf(PF, { driver: null, ifname: null })]))).toEqual([
      'pfs[0]: 0000:01:00.0 has no driver bound yet',
      'pfs[1]: no PF matching driver ixgbe not present yet',
    ]);
    const x = pf('0000:02:00.0', { driver: 'ixgbe', ifname: null });
    expect(pfsNotReady(state, inventory([pf(PF), x]))).toEqual([
      'pfs[1]: 0000:02:00.0 has no netdev yet',
    ]);
  });

  it('waits for a PF off PCI until its device is there', () => {
    const dev = parseHostState({ pfs: [{ device: 'netdevsim/netdevsim1', numVfs: 2 }] });
    expect(pfsNotReady(dev, inventory([]))).toEqual([
      'pfs[0]: netdevsim/netdevsim1 not present yet',
    ]);
    expect(pfsNotReady(dev, inventory([], { nonPciPfs: [nonPciPf()] }))).toEqual([]);
  });

  it('is empty once every PF is probed', () => {
    expect(
      pfsNotReady(state, inventory([pf(PF), pf('0000:02:00.0', { driver: 'ixgbe' })])),
    ).toEqual([]);
  });
});
