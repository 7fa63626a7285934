import { describe, expect, it } from 'vitest';
import { makeInput, makeInventory, makePf } from '../../testing/doctor-input.js';
import { checkPfCpus, checkPfNuma } from './rules-numa.js';

// The lab's two PFs: one behind a NUMA-aware expander, one on a plain root port.
const pfs = [
  makePf({ pciAddress: '0000:01:00.0', ifname: 'eth0', numaNode: null, localCpus: '0-1' }),
  makePf({ pciAddress: '0000:81:00.0', ifname: 'eth1', numaNode: 1, localCpus: '1' }),
];

describe('checkPfCpus', () => {
  it('names the CPUs local to each PF and where to pin', () => {
    const found = checkPfCpus(makeInput({ inventory: makeInventory(pfs) }));
    expect(found.map((f) => f.title)).toEqual([
      'CPUs local to eth0: 0-1 (no NUMA node reported)',
      'CPUs local to eth1: 1 (NUMA node 1)',
    ]);
    expect(found[1]?.evidence).toEqual([
      '/sys/bus/pci/devices/0000:81:00.0/local_cpulist: 1',
      '/sys/bus/pci/devices/0000:81:00.0/numa_node: 1',
    ]);
    expect(found[1]?.fix?.join('\n')).toContain('smp_affinity_list = 1');
  });
});

describe('checkPfNuma', () => {
  it('notes numa_node -1 on a multi-node host, only for that PF', () => {
    const found = checkPfNuma(makeInput({ numaNodes: 2, inventory: makeInventory(pfs) }));
    expect(found.map((f) => [f.subject, f.severity])).toEqual([['0000:01:00.0', 'info']]);
  });

  it('says nothing on a single-node host', () => {
    expect(checkPfNuma(makeInput({ numaNodes: 1, inventory: makeInventory(pfs) }))).toEqual([]);
  });
});
