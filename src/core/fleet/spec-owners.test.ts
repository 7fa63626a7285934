import { describe, expect, it } from 'vitest';
import { deviceSpec } from '../../testing/device-spec.js';
import type { DeviceSpec } from './model.js';
import { distinctOwners, ownerClash, ownerClashText, type OwnedPfTarget } from './spec-owners.js';

const PF = '0000:81:00.0';
const pf = (over: Partial<OwnedPfTarget> = {}): OwnedPfTarget => ({
  pciAddress: PF,
  vendorId: '8086',
  deviceId: '1521',
  driver: 'igb',
  hostId: 'h1',
  totalVfs: 8,
  ...over,
});
const spec = (name: string, over: Partial<DeviceSpec>) =>
  deviceSpec({ id: name, name, vendor: null, ...over });
/** The clash of the last spec in `specs` (as a new spec comes last), in words. */
const clash = (specs: DeviceSpec[], pfs: OwnedPfTarget[] = [pf()]) => {
  const last = specs.at(-1);
  if (last === undefined) throw new Error('no spec');
  const c = ownerClash(last, specs, pfs);
  return c === null ? null : ownerClashText(c);
};

describe('one VF has one owner', () => {
  it('refuses two owners on one VF of a reported PF, naming both specs, the VF, PF and host', () => {
    const a = spec('a', { pf: `${PF}#0-3`, owner: 'vfleet' });
    const b = spec('b', { pf: `${PF}#3-5`, owner: 'openstack' });
    expect(clash([a, b])).toBe(
      `spec b (owner openstack) and spec a (owner vfleet) both select VF 3 of PF ${PF} on host h1; one VF has one owner`,
    );
  });

  it('allows disjoint ranges, and overlaps of one owner (the older spec tags the VF)', () => {
    const a = spec('a', { pf: `${PF}#0-1`, owner: 'kubernetes' });
    expect(clash([a, spec('b', { pf: `${PF}#2-3`, owner: 'openstack' })])).toBeNull();
    expect(clash([a, spec('b', { pf: `${PF}#1`, owner: 'kubernetes' })])).toBeNull();
  });

  it('sees a spec without ranges, or selecting by vendor, select every VF of the PF', () => {
    const all = spec('all', { vendor: '8086', owner: 'vfleet' });
    expect(clash([all, spec('b', { pf: `${PF}#2`, owner: 'libvirt-pool' })])).toContain(
      'both select VF 2 of PF',
    );
    // Another vendor's PF is not selected by `all`: no clash there.
    expect(
      clash([all, spec('b', { pf: `${PF}#2`, owner: 'libvirt-pool' })], [pf({ vendorId: '15b3' })]),
    ).toBeNull();
  });

  it('counts only the VFs the PF will have: ranges past numVfs share nothing', () => {
    const a = spec('a', { pciAddress: '0000:81:*', numVfs: 4, owner: 'vfleet' });
    expect(clash([a, spec('b', { pf: `${PF}#4-7`, numVfs: 4, owner: 'openstack' })])).toBeNull();
  });

  it('refuses from the specs alone when no host reported the PF', () => {
    const a = spec('a', { pf: `${PF}#0-3`, owner: 'vfleet' });
    const b = spec('b', { pf: `${PF}#2-9`, owner: 'kubernetes' });
    expect(clash([a, b], [])).toBe(
      `spec b (owner kubernetes) and spec a (owner vfleet) both select VF 2 of PF ${PF}; one VF has one owner`,
    );
    expect(clash([a, spec('c', { pf: '0000:82:00.0#0-3', owner: 'kubernetes' })], [])).toBeNull();
  });

  it('refuses two owners of one PF offered whole', () => {
    const whole = { pf: PF, numVfs: 0, wholePf: true };
    const a = spec('a', { ...whole, owner: 'vfleet' });
    const b = spec('b', { ...whole, owner: 'libvirt-pool' });
    expect(clash([a, b])).toBe(
      `spec b (owner libvirt-pool) and spec a (owner vfleet) both select PF ${PF} (offered whole) on host h1; one PF has one owner`,
    );
    expect(clash([a, b], [])).toContain('both select PF 0000:81:00.0 (offered whole);');
  });

  it('lists distinct owners in VF_OWNERS order', () => {
    expect(distinctOwners(['libvirt-pool', null, 'vfleet', 'libvirt-pool', 'openstack'])).toEqual([
      'vfleet',
      'openstack',
      'libvirt-pool',
    ]);
    expect(distinctOwners([null])).toEqual([]);
  });
});
