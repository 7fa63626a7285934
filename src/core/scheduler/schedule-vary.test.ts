import { describe, expect, it } from 'vitest';
import { candidateHost, vfPf } from '../../testing/candidate-hosts.js';
import { schedule, varyOrder } from './schedule.js';
import type { CandidateHost, ScheduleRequest } from './types.js';

/** Node 1 has a single free CPU: a 2-vCPU instance fits on node 0 only. */
const host = (id: string, vfs: number, pfNuma = 0): CandidateHost =>
  candidateHost(id, [{ ...vfPf(Number(id.slice(1)), pfNuma, vfs), pciAddress: '0000:10:00.0' }], {
    numaNodes: [
      { node: 0, socket: 0, freeCpus: 8 },
      { node: 1, socket: 1, freeCpus: 1 },
    ],
  });

const req: ScheduleRequest = {
  vcpus: 2,
  memoryMb: 512,
  numaPolicy: 'preferred',
  hostLabels: {},
  ports: [{ physnet: 'p1', trusted: false }],
  distinctPfs: false,
};

const firsts = (hosts: CandidateHost[], draws: number[]) =>
  draws.map((d) => {
    const r = schedule(hosts, req, 'pack', 3, () => d);
    return r.ok ? r.placements.map((p) => p.hostId) : [];
  });

describe('varying the order among the few best placements', () => {
  it('rotates by the random draw and keeps every item', () => {
    expect(varyOrder(['a', 'b', 'c'], () => 0)).toEqual(['a', 'b', 'c']);
    expect(varyOrder(['a', 'b', 'c'], () => 0.5)).toEqual(['b', 'c', 'a']);
    expect(varyOrder(['a', 'b', 'c'], () => 0.99)).toEqual(['c', 'a', 'b']);
    // A draw of 1 (outside [0, 1)) still rotates within bounds.
    expect(varyOrder(['a', 'b'], () => 1)).toEqual(['b', 'a']);
    expect(varyOrder(['a'], () => 0.7)).toEqual(['a']);
  });

  it('pack: requests start on different ones of the three fullest hosts, never on a worse one', () => {
    const hosts = [host('h1', 50), host('h2', 3), host('h3', 9), host('h4', 2), host('h5', 40)];
    const order = firsts(hosts, [0, 0.4, 0.9]);
    // The three fullest fits (fewest free VFs) are h4, h2, h3, in every order tried.
    expect(order).toEqual([
      ['h4', 'h2', 'h3'],
      ['h2', 'h3', 'h4'],
      ['h3', 'h4', 'h2'],
    ]);
    // Without a random source the answer is the plain weigher order.
    const plain = schedule(hosts, req, 'pack', 3);
    expect(plain.ok && plain.placements.map((p) => p.hostId)).toEqual(['h4', 'h2', 'h3']);
  });

  it('never puts a remote placement before a local one', () => {
    // h2 and h4 have their PF on node 1, which has no room: only remote fits there.
    const hosts = [host('h1', 50), host('h2', 3, 1), host('h3', 9), host('h4', 2, 1)];
    for (const order of firsts(hosts, [0, 0.3, 0.6, 0.99])) {
      expect(order.slice(0, 2).sort()).toEqual(['h1', 'h3']);
    }
  });
});
