import { describe, expect, it } from 'vitest';
import { parseVfStatsJson } from './vf-stats-json.js';

// The shape iproute2 prints for `ip -s -j link show` on a PF with VFs: link
// stats64 beside vfinfo_list, each VF with its own stats (tx keys prefixed).
const output = JSON.stringify([
  {
    ifindex: 1,
    ifname: 'lo',
    flags: ['LOOPBACK'],
    stats64: { rx: { bytes: 5 }, tx: { bytes: 5 } },
  },
  {
    ifindex: 4,
    ifname: 'ens1f0',
    flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
    stats64: { rx: { bytes: 900, packets: 9 }, tx: { bytes: 800, packets: 8 } },
    vfinfo_list: [
      {
        vf: 0,
        link_type: 'ether',
        address: 'fa:16:3e:00:00:01',
        stats: {
          rx: { bytes: 1234, packets: 12, multicast: 3, broadcast: 2, dropped: 1 },
          tx: { tx_bytes: 4321, tx_packets: 21, dropped: 0 },
        },
      },
      {
        vf: 1,
        address: '00:00:00:00:00:00',
        // A kernel before 5.13 sends no dropped counters.
        stats: {
          rx: { bytes: 0, packets: 0, multicast: 0, broadcast: 0 },
          tx: { tx_bytes: 0, tx_packets: 0 },
        },
      },
      // A driver that reports no VF counters at all.
      { vf: 2, address: '00:00:00:00:00:00' },
    ],
  },
]);

describe('parseVfStatsJson', () => {
  it("reads each VF's rx and tx counters, the tx_ keys included", () => {
    const m = parseVfStatsJson(output);
    expect([...m.keys()]).toEqual(['ens1f0']);
    expect(m.get('ens1f0')).toEqual([
      {
        index: 0,
        rxBytes: 1234,
        rxPackets: 12,
        rxMulticast: 3,
        rxBroadcast: 2,
        rxDropped: 1,
        txBytes: 4321,
        txPackets: 21,
        txDropped: 0,
      },
      {
        index: 1,
        rxBytes: 0,
        rxPackets: 0,
        rxMulticast: 0,
        rxBroadcast: 0,
        rxDropped: null,
        txBytes: 0,
        txPackets: 0,
        txDropped: null,
      },
    ]);
  });

  it('refuses output that is not JSON or not the expected shape, naming where', () => {
    expect(() => parseVfStatsJson('1: lo: <LOOPBACK>')).toThrow(/invalid JSON/);
    const bad = JSON.stringify([
      { ifname: 'p', vfinfo_list: [{ vf: 0, stats: { rx: { bytes: -1 }, tx: {} } }] },
    ]);
    expect(() => parseVfStatsJson(bad)).toThrow(/vfinfo_list\.0\.stats\.rx\.bytes/);
  });
});
