import { describe, expect, it } from 'vitest';
import { candidateHost as host, vfPf as pf } from '../../testing/candidate-hosts.js';
import { pfNumaNode } from './numa.js';
import { schedule } from './schedule.js';
import type { ScheduleRequest } from './types.js';

const req = (numaPolicy: ScheduleRequest['numaPolicy']): ScheduleRequest => ({
  vcpus: 2,
  memoryMb: 1024,
  numaPolicy,
  hostLabels: {},
  ports: [{ physnet: 'p1', trusted: false }],
  distinctPfs: false,
});

// A single-socket server: one NUMA node, and its PCI devices report numa_node -1.
const singleNode = host('one', [pf(1, null, 4)], {
  numaNodes: [{ node: 0, socket: 0, freeCpus: 8 }],
});

describe('a PF without a reported NUMA node', () => {
  it('is local to the only node of a single-node host', () => {
    expect(pfNumaNode(singleNode, pf(1, null, 4))).toBe(0);
    expect(pfNumaNode(singleNode, pf(1, 3, 4))).toBe(3);
  });

  it('has no node on a multi-node host, nor on a host that reports no topology', () => {
    expect(pfNumaNode(host('two', []), pf(1, null, 4))).toBeNull();
    expect(pfNumaNode(host('none', [], { numaNodes: [] }), pf(1, null, 4))).toBeNull();
  });

  it.each(['required', 'legacy', 'socket', 'preferred'] as const)(
    'places a %s request on the single-node host, NUMA-local',
    (policy) => {
      const r = schedule([singleNode], req(policy), 'pack');
      expect(r.ok && r.placements).toEqual([
        {
          hostId: 'one',
          numaNode: 0,
          ports: [{ pfId: 1, physnet: 'p1', vfTrusted: false, vfNetdev: false }],
        },
      ]);
    },
  );

  it('is still refused under required on a two-node host, where its locality is unknown', () => {
    const r = schedule([host('two', [pf(1, null, 4)])], req('required'), 'pack');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.rejections.vfs).toBe(1);
  });
});
