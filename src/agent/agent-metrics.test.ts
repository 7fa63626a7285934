import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { VfTraffic } from '../host/vf-traffic.js';
import { sampleValue, samples } from '../testing/exposition.js';
import { createAgentMetrics } from './agent-metrics.js';

const row = (vf: number, rxBytes: number, drops: number | null): VfTraffic => ({
  pf: 'ens1f0',
  pfPci: '0000:81:00.0',
  vf,
  vfPci: `0000:81:10.${String(vf)}`,
  numaNode: null,
  stats: {
    index: vf,
    rxBytes,
    rxPackets: 1,
    rxMulticast: 0,
    rxBroadcast: 0,
    rxDropped: drops,
    txBytes: 0,
    txPackets: 0,
    txDropped: drops,
  },
});

describe('the agent metrics', () => {
  it('reads the counters once per scrape window, and leaves out drops the kernel does not count', async () => {
    const registry = new Registry();
    let reads = 0;
    let now = 0;
    createAgentMetrics(
      registry,
      () => {
        reads++;
        return Promise.resolve([row(0, 100 * reads, 5), row(1, 7, null)]);
      },
      () => now,
      () => undefined,
    );
    const first = await registry.metrics();
    expect(reads).toBe(1);
    expect(sampleValue(first, 'vfleet_vf_receive_bytes_total', { vf: '0' })).toBe(100);
    expect(sampleValue(first, 'vfleet_vf_receive_bytes_total', { vf: '1', numa_node: '-1' })).toBe(
      7,
    );
    expect(
      samples(first, 'vfleet_vf_receive_dropped_packets_total').map((s) => s.labels.vf),
    ).toEqual(['0']);
    await registry.metrics();
    expect(reads).toBe(1);
    now = 1_001;
    expect(
      sampleValue(await registry.metrics(), 'vfleet_vf_receive_bytes_total', { vf: '0' }),
    ).toBe(200);
  });

  it('a failed read is told by vfleet_agent_vf_stats_up 0 and one log line, not a failed scrape', async () => {
    const registry = new Registry();
    const lines: string[] = [];
    createAgentMetrics(
      registry,
      () => Promise.reject(new Error('ip: not found on PATH')),
      () => 0,
      (l) => lines.push(l),
    );
    const text = await registry.metrics();
    expect(sampleValue(text, 'vfleet_agent_vf_stats_up')).toBe(0);
    expect(samples(text, 'vfleet_vf_receive_bytes_total')).toEqual([]);
    expect(lines).toEqual(['VF counters not read: ip: not found on PATH']);
  });
});
