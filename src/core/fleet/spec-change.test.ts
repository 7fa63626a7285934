import { describe, expect, it } from 'vitest';
import { deviceSpec as spec } from '../../testing/device-spec.js';
import type { DeviceSpec } from './model.js';
import { takenText, vfsTakenAway, type HeldVf } from './spec-change.js';

const pf = {
  pciAddress: '0000:81:00.0',
  vendorId: '8086',
  deviceId: '1521',
  driver: 'igb',
  numVfs: 4,
};
const held = (index: number, over: Partial<HeldVf> = {}): HeldVf => ({
  hostId: 'node1',
  pf,
  index,
  pciAddress: `0000:81:10.${index}`,
  state: 'allocated',
  portId: `port${index}`,
  portPhysnet: 'p1',
  portTrusted: false,
  ...over,
});
const before = [spec({})];
const reasons = (after: DeviceSpec[], vfs: HeldVf[]) =>
  vfsTakenAway(before, after, vfs).map((t) => [t.index, t.reason]);

describe('VFs a spec change takes away', () => {
  it('keeps held VFs whose PF keeps its count, driver and tags', () => {
    expect(reasons([spec({ name: 'renamed', driver: 'igb' })], [held(0), held(3)])).toEqual([]);
    // Trust granted to an untrusted port's VF takes nothing away.
    expect(reasons([spec({ trusted: true })], [held(1)])).toEqual([]);
  });

  it('refuses a count change on a PF with held VFs, lowered or raised', () => {
    expect(reasons([spec({ numVfs: 2 })], [held(1), held(3)])).toEqual([
      [1, 'numVfs 4 -> 2 recreates every VF of the PF'],
      [3, 'numVfs 4 -> 2 removes VF 3'],
    ]);
    expect(reasons([spec({ numVfs: 6 })], [held(0)])).toEqual([
      [0, 'numVfs 4 -> 6 recreates every VF of the PF'],
    ]);
  });

  it('refuses a VF driver change, a physnet change and an unselected PF', () => {
    expect(reasons([spec({ vfDriver: 'iavf' })], [held(0)])).toEqual([
      [0, 'VF driver vfio-pci -> iavf rebinds it'],
    ]);
    expect(reasons([spec({ physnet: 'p2' })], [held(0)])).toEqual([
      [0, "its physnet would be p2; its port's network is on p1"],
    ]);
    expect(reasons([spec({ vendor: '15b3' })], [held(0)])).toEqual([
      [0, 'no spec would govern its PF'],
    ]);
  });

  it('refuses narrowing a PF#range selector past a held VF, and withdrawing trust', () => {
    const tagged = [spec({ pf: '0000:81:00.0#0-1', trusted: true, physnet: 'p1' })];
    const vfs = [held(1, { portTrusted: true })];
    expect(vfsTakenAway(tagged, [spec({ pf: '0000:81:00.0#0', trusted: true })], vfs)).toEqual([
      expect.objectContaining({
        index: 1,
        reason: "its physnet would be none; its port's network is on p1",
      }),
    ]);
    expect(vfsTakenAway(tagged, [spec({ pf: '0000:81:00.0#0-1' })], vfs)).toEqual([
      expect.objectContaining({ index: 1, reason: 'its port is trusted; the VF would not be' }),
    ]);
  });

  it('refuses handing a held VF to another owner, and names the port and its instance', () => {
    const taken = vfsTakenAway(
      before,
      [spec({ owner: 'openstack' })],
      [held(2, { instance: 'vm1' })],
    );
    expect(taken.map((t) => t.reason)).toEqual([
      'its owner would be openstack; a vfleet port holds it',
    ]);
    expect(takenText(taken)).toContain('allocated by port port2 of instance vm1');
    // Another vfleet spec keeps it: nothing is taken.
    expect(reasons([spec({ owner: 'vfleet', name: 'x' })], [held(2)])).toEqual([]);
  });

  it('names a few VFs in one line and counts the rest', () => {
    const taken = vfsTakenAway(
      before,
      [spec({ numVfs: 0 })],
      [0, 1, 2].map((i) => held(i)),
    );
    expect(takenText(taken, 2)).toBe(
      'node1 0000:81:10.0 (PF 0000:81:00.0 VF 0, allocated by port port0: numVfs 4 -> 0 removes VF 0); ' +
        'node1 0000:81:10.1 (PF 0000:81:00.0 VF 1, allocated by port port1: numVfs 4 -> 0 removes VF 1), and 1 more',
    );
  });
});
