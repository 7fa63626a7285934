import { describe, expect, it } from 'vitest';
import {
  allocationOf,
  hostMemoryMb,
  NO_ALLOCATION_RULE,
  nodeVcpus,
  pinnableCpus,
  type AllocationRule,
} from './allocation.js';

const rule = (name: string, over: Partial<AllocationRule>): AllocationRule => ({
  name,
  host: null,
  hostLabels: {},
  cpuRatio: 1,
  memoryRatio: 1,
  reservedCpus: [],
  reservedMemoryMb: 0,
  createdAt: '2026-12-01T00:00:00.000Z',
  ...over,
});
const host = { id: 'h1', labels: { rack: 'r1', tier: 'gold' } };

describe('allocationOf', () => {
  it('is no rule at all when none selects the host', () => {
    expect(allocationOf(host, [rule('other', { hostLabels: { rack: 'r2' } })])).toEqual({
      rule: null,
      ...NO_ALLOCATION_RULE,
    });
  });

  it('prefers a rule naming the host, then more labels, then the older, then the name', () => {
    const all = rule('all', { cpuRatio: 2 });
    const rack = rule('rack', { hostLabels: { rack: 'r1' }, cpuRatio: 3 });
    const both = rule('both', { hostLabels: { rack: 'r1', tier: 'gold' }, cpuRatio: 4 });
    const mine = rule('mine', { host: 'h1', cpuRatio: 5 });
    expect(allocationOf(host, [all]).rule).toBe('all');
    expect(allocationOf(host, [all, rack]).rule).toBe('rack');
    expect(allocationOf(host, [both, rack, all]).rule).toBe('both');
    expect(allocationOf(host, [all, both, mine, rack])).toMatchObject({
      rule: 'mine',
      cpuRatio: 5,
    });
    const older = rule('zz', { hostLabels: { rack: 'r1' }, createdAt: '2026-11-01T00:00:00.000Z' });
    expect(allocationOf(host, [rack, older]).rule).toBe('zz');
    expect(allocationOf(host, [rule('b', {}), rule('a', {})]).rule).toBe('a');
    expect(allocationOf({ id: 'h2', labels: {} }, [mine]).rule).toBeNull();
  });
});

describe('capacity', () => {
  const a = { ...NO_ALLOCATION_RULE, cpuRatio: 1.5, reservedCpus: [0, 1, 9], memoryRatio: 1.2 };

  it('counts a node without its reserved CPUs, times the ratio, rounded down', () => {
    expect(nodeVcpus({ node: 0, socket: 0, cpus: 8, cpuList: [0, 1, 2, 3, 4, 5, 6, 7] }, a)).toBe(
      9,
    );
    // Reserved CPUs of another node do not count here; a node without a CPU list keeps all.
    expect(nodeVcpus({ node: 1, socket: 0, cpus: 4, cpuList: [10, 11, 12, 13] }, a)).toBe(6);
    expect(nodeVcpus({ node: 1, socket: 0, cpus: 4 }, a)).toBe(6);
  });

  it('counts memory without the reserved MiB, times the ratio; unknown stays unknown', () => {
    expect(hostMemoryMb(4096, { ...a, reservedMemoryMb: 1024 })).toBe(3686);
    expect(hostMemoryMb(512, { ...a, reservedMemoryMb: 1024 })).toBe(0);
    expect(hostMemoryMb(null, a)).toBeNull();
  });

  it('pins to every CPU of a node but the reserved ones', () => {
    expect(pinnableCpus([0, 1, 2, 3], a)).toEqual([2, 3]);
  });
});
