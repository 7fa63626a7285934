import { describe, expect, it } from 'vitest';
import { deviceSpec } from '../../testing/device-spec.js';
import { hostStateSchema } from '../desired-state.js';
import type { HostState } from '../desired-state.js';
import { desiredHostState } from './desired-host-state.js';
import type { DeviceSpec, Host, PfRecord } from './model.js';

const spec = deviceSpec({ id: 's1', name: 's1', numVfs: 2, createdAt: '2030-01-01T00:00:00Z' });
const pf = (id: number, specId: string | null): PfRecord => ({
  id,
  hostId: 'h',
  pciAddress: `0000:0${id}:00.0`,
  ifname: null,
  vendorId: '8086',
  deviceId: '1521',
  driver: 'igb',
  totalVfs: 7,
  numVfs: 0,
  numaNode: 0,
  link: { state: null, adminUp: null, speedMbps: null },
  eswitchMode: null,
  specId,
  whole: null,
});

describe('desiredHostState', () => {
  it('creates and binds VFs handed to another owner, with their trust, and leaves the rest to the consumer', () => {
    // VFs 0-1 are vfleet's; 2-3 are OpenStack's (trusted): created and bound all the same.
    const ours = deviceSpec({ id: 'a', name: 'a', pf: '0000:01:00.0#0-1', numVfs: 4 });
    const theirs = deviceSpec({
      id: 'b',
      name: 'b',
      pf: '0000:01:00.0#2-3',
      numVfs: 4,
      owner: 'openstack',
      trusted: true,
    });
    const state = desiredHostState({
      host: {} as Host,
      pfs: [pf(1, 'a')],
      specs: [ours, theirs],
      bound: [],
    });
    expect(state.pfs[0]).toMatchObject({ numVfs: 4, vfDriver: 'vfio-pci', up: true });
    expect(state.pfs[0]?.vfs.map((v) => v.index)).toEqual([0, 1, 2, 3]);
    expect(state.pfs[0]?.vfs[1]).toMatchObject({ mac: '00:00:00:00:00:00', vlan: 0 });
    expect(state.pfs[0]?.vfs[2]).toEqual({ index: 2, trust: true });
    expect(hostStateSchema.safeParse(state).success).toBe(true);
  });

  it('declares governed PFs only, bound VFs with their port settings, every other VF reset', () => {
    const state = desiredHostState({
      host: {} as Host,
      pfs: [pf(2, null), pf(1, 's1')],
      specs: [spec],
      bound: [
        {
          pfId: 1,
          index: 1,
          mac: 'fa:16:3e:00:00:01',
          vlan: 101,
          trusted: true,
          spoofchk: false,
          maxTxRate: 100,
          minTxRate: 10,
        },
      ],
    });
    expect(state).toEqual({
      pfs: [
        {
          pciAddress: '0000:01:00.0',
          numVfs: 2,
          vfDriver: 'vfio-pci',
          up: true,
          vfs: [
            {
              index: 0,
              mac: '00:00:00:00:00:00',
              vlan: 0,
              spoofchk: true,
              trust: false,
              maxTxRate: 0,
              minTxRate: 0,
            },
            {
              index: 1,
              mac: 'fa:16:3e:00:00:01',
              vlan: 101,
              spoofchk: false,
              trust: true,
              maxTxRate: 100,
              minTxRate: 10,
            },
          ],
        },
      ],
    });
    // What the agent receives is a valid host state for `vfleet host apply`.
    const asHostState: HostState = state;
    expect(hostStateSchema.safeParse(asHostState).success).toBe(true);
  });

  it('keeps a PF offered whole, or held whole by a port, at 0 VFs with its link left alone', () => {
    const wholeSpec: DeviceSpec = { ...spec, id: 's2', numVfs: 0, wholePf: true };
    const held = {
      physnet: null,
      state: 'allocated' as const,
      dirty: false,
      portId: 'port1',
      reservedUntil: null,
      note: null,
      owner: null,
    };
    const state = desiredHostState({
      host: {} as Host,
      // PF 1: offered whole by its spec; PF 3: its spec now offers VFs, but a port still holds it whole.
      pfs: [pf(1, 's2'), { ...pf(3, 's1'), whole: held }],
      specs: [spec, wholeSpec],
      bound: [],
    });
    const zero = { numVfs: 0, vfDriver: 'vfio-pci', up: false, vfs: [] };
    expect(state.pfs).toEqual([
      { pciAddress: '0000:01:00.0', ...zero },
      { pciAddress: '0000:03:00.0', ...zero },
    ]);
    expect(hostStateSchema.safeParse(state).success).toBe(true);
  });
});
