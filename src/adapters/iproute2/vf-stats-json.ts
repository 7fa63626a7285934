import { z } from 'zod';
import type { VfTrafficStats } from '../../core/host-facts.js';
import { parseIpJson } from './ip-link-json.js';

/**
 * Parser for the VF counters of `ip -s -j link show`. iproute2's
 * print_vf_stats64 nests them as `stats.rx` {bytes, packets, multicast,
 * broadcast, dropped?} and `stats.tx` {tx_bytes, tx_packets, dropped?}: the
 * transmit side's keys carry a `tx_` prefix the receive side's do not.
 * A VF without `stats` (a driver that reports none) is left out.
 */
const count = z.number().int().nonnegative();
const vfStats = z.looseObject({
  vf: z.number().int().nonnegative(),
  stats: z
    .looseObject({
      rx: z.looseObject({
        bytes: count,
        packets: count,
        multicast: count,
        broadcast: count,
        dropped: count.optional(),
      }),
      tx: z.looseObject({
        tx_bytes: count,
        tx_packets: count,
        dropped: count.optional(),
      }),
    })
    .optional(),
});
const links = z.array(
  z.looseObject({ ifname: z.string(), vfinfo_list: z.array(vfStats).optional() }),
);

/** PF netdev name -> its VFs' counters. */
export function parseVfStatsJson(stdout: string): Map<string, VfTrafficStats[]> {
  const data = parseIpJson(stdout, links, '`ip -s -j link show`');
  const out = new Map<string, VfTrafficStats[]>();
  for (const l of data) {
    const vfs: VfTrafficStats[] = [];
    for (const v of l.vfinfo_list ?? []) {
      const s = v.stats;
      if (s === undefined) continue;
      vfs.push({
        index: v.vf,
        rxBytes: s.rx.bytes,
        rxPackets: s.rx.packets,
        rxMulticast: s.rx.multicast,
        rxBroadcast: s.rx.broadcast,
        rxDropped: s.rx.dropped ?? null,
        txBytes: s.tx.tx_bytes,
        txPackets: s.tx.tx_packets,
        txDropped: s.tx.dropped ?? null,
      });
    }
    if (vfs.length > 0) out.set(l.ifname, vfs);
  }
  return out;
}
