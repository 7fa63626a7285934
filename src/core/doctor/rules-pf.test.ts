import { describe, expect, it } from 'vitest';
import { makeInput, makeInventory, makePf } from '../../testing/doctor-input.js';
import { checkPfBridge, checkPfDown, checkPfDriver } from './rules-pf.js';

const withPf = (pf: Parameters<typeof makePf>[0], over: Parameters<typeof makeInput>[0] = {}) =>
  makeInput({ inventory: makeInventory([makePf(pf)]), ...over });

describe('checkPfDown', () => {
  it('warns when a PF with VFs is administratively down, with the command to bring it up', () => {
    const [f] = checkPfDown(withPf({ adminUp: false, linkState: 'down', numVfs: 2 }));
    expect(f?.severity).toBe('warning');
    expect(f?.title).toBe('PF eth0 is down: its 2 VFs have no link');
    expect(f?.evidence).toEqual([
      '/sys/class/net/eth0/operstate: down',
      '/sys/class/net/eth0/flags: IFF_UP not set',
    ]);
    expect(f?.fix?.[0]).toBe('ip link set dev eth0 up');
  });

  it('is only info for a down PF without VFs', () => {
    expect(
      checkPfDown(withPf({ adminUp: false, linkState: 'down', numVfs: 0, vfs: [] }))[0]?.severity,
    ).toBe('info');
  });

  it('tells an up PF without carrier apart', () => {
    const [f] = checkPfDown(withPf({ adminUp: true, linkState: 'down' }));
    expect(f?.title).toBe('PF eth0 is up but has no carrier');
  });

  it('says nothing about a PF that is up', () => {
    expect(checkPfDown(withPf({}))).toEqual([]);
  });
});

describe('checkPfDriver', () => {
  it('reports a PF without driver as an error and one without netdev as a warning', () => {
    expect(checkPfDriver(withPf({ driver: null }))[0]?.severity).toBe('error');
    expect(checkPfDriver(withPf({ ifname: null }))[0]?.severity).toBe('warning');
    expect(checkPfDriver(withPf({}))).toEqual([]);
  });
});

describe('checkPfBridge', () => {
  it('warns that an Intel PF in a bridge loses promiscuous mode once VFs exist', () => {
    const [f] = checkPfBridge(
      withPf({}, { masters: { '0000:01:00.0': { name: 'br0', kind: 'bridge' } } }),
    );
    expect(f?.severity).toBe('warning');
    expect(f?.title).toMatch(/Intel PF eth0 is a port of bridge br0: it loses promiscuous mode/);
    expect(f?.evidence).toEqual([
      '/sys/class/net/eth0/master -> br0',
      '/sys/class/net/br0/bridge: present',
    ]);
    expect(f?.fix?.[0]).toContain('ip link set dev eth0 nomaster');
  });

  it('is info for other vendors and silent for bonds', () => {
    const bridged = { masters: { '0000:01:00.0': { name: 'br0', kind: 'bridge' as const } } };
    expect(
      checkPfBridge(withPf({ vendorId: '15b3', driver: 'mlx5_core' }, bridged))[0]?.severity,
    ).toBe('info');
    expect(
      checkPfBridge(withPf({}, { masters: { '0000:01:00.0': { name: 'bond0', kind: 'bond' } } })),
    ).toEqual([]);
  });
});
