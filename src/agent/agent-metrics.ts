import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { VfTrafficStats } from '../core/host-facts.js';
import type { VfTraffic } from '../host/vf-traffic.js';

/** What the agent tells its metrics besides the counters read at scrape time. */
export interface AgentMetrics {
  observeScan(seconds: number): void;
  observeApply(seconds: number, ok: boolean): void;
}

const VF_LABELS = ['pf', 'pf_pci', 'vf', 'vf_pci', 'numa_node'] as const;

/**
 * The kernel's per-VF counters as Prometheus counters, named by convention
 * (node_exporter's `receive_*_total`, with a unit and `_total`), each
 * labelled with PF, VF index, PCI addresses and NUMA node so they join with
 * libvirt, Nova or DPDK views by PCI address.
 */
const VF_COUNTERS: readonly {
  name: string;
  help: string;
  value: (s: VfTrafficStats) => number | null;
}[] = [
  { name: 'receive_bytes', help: 'Bytes the VF received', value: (s) => s.rxBytes },
  { name: 'receive_packets', help: 'Packets the VF received', value: (s) => s.rxPackets },
  {
    name: 'receive_multicast_packets',
    help: 'Multicast packets the VF received',
    value: (s) => s.rxMulticast,
  },
  {
    name: 'receive_broadcast_packets',
    help: 'Broadcast packets the VF received',
    value: (s) => s.rxBroadcast,
  },
  {
    name: 'receive_dropped_packets',
    help: 'Received packets dropped for the VF (absent where the kernel or driver does not count them)',
    value: (s) => s.rxDropped,
  },
  { name: 'transmit_bytes', help: 'Bytes the VF sent', value: (s) => s.txBytes },
  { name: 'transmit_packets', help: 'Packets the VF sent', value: (s) => s.txPackets },
  {
    name: 'transmit_dropped_packets',
    help: 'Packets to send dropped for the VF (absent where the kernel or driver does not count them)',
    value: (s) => s.txDropped,
  },
];

/** Seconds; a scan is ~10 ms on a small host and a few seconds on 500 VFs, an apply up to minutes. */
const DURATION_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/**
 * The agent's metrics on `registry` (one per process, made by the caller).
 * The VF counters are read when scraped, at most once per `maxAgeMs`
 * however many series or scrapers ask.
 */
export function createAgentMetrics(
  registry: Registry,
  traffic: () => Promise<readonly VfTraffic[]>,
  now: () => number,
  log: (line: string) => void,
  maxAgeMs = 1_000,
): AgentMetrics {
  let cached: { at: number; rows: Promise<readonly VfTraffic[]> } | null = null;
  const up = new Gauge({
    name: 'vfleet_agent_vf_stats_up',
    help: "1 when the last read of the VFs' counters (ip -s -j link show) worked, else 0",
    // Registered after the counters below: a scrape collects in order, so it tells this scrape's read.
    registers: [],
  });
  const read = (): Promise<readonly VfTraffic[]> => {
    if (cached === null || now() - cached.at > maxAgeMs) {
      const rows = traffic().then(
        (r) => {
          up.set(1);
          return r;
        },
        (e: unknown) => {
          up.set(0);
          log(`VF counters not read: ${e instanceof Error ? e.message : String(e)}`);
          return [];
        },
      );
      cached = { at: now(), rows };
    }
    return cached.rows;
  };
  for (const c of VF_COUNTERS) {
    new Counter({
      name: `vfleet_vf_${c.name}_total`,
      help: `${c.help}, as the PF's driver counts it (ip -s link)`,
      labelNames: VF_LABELS,
      registers: [registry],
      async collect() {
        const rows = await read();
        // Set to the kernel's count: a counter that only ever takes the kernel's value.
        this.reset();
        for (const r of rows) {
          const v = c.value(r.stats);
          if (v === null) continue;
          this.inc(
            {
              pf: r.pf,
              pf_pci: r.pfPci,
              vf: String(r.vf),
              vf_pci: r.vfPci,
              numa_node: String(r.numaNode ?? -1),
            },
            v,
          );
        }
      },
    });
  }
  registry.registerMetric(up);
  const scan = new Histogram({
    name: 'vfleet_agent_scan_duration_seconds',
    help: 'How long a scan of the host (sysfs and ip) took',
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const apply = new Histogram({
    name: 'vfleet_agent_apply_duration_seconds',
    help: "How long applying the controller's desired state took",
    labelNames: ['result'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const applies = new Counter({
    name: 'vfleet_agent_applies_total',
    help: 'Applies of a desired state, by result (ok, failed)',
    labelNames: ['result'],
    registers: [registry],
  });
  for (const result of ['ok', 'failed']) applies.inc({ result }, 0);
  return {
    observeScan: (seconds) => {
      scan.observe(seconds);
    },
    observeApply: (seconds, ok) => {
      const result = ok ? 'ok' : 'failed';
      apply.observe({ result }, seconds);
      applies.inc({ result });
    },
  };
}
