import { describe, expect, it } from 'vitest';
import { planIrqAffinity, type VfIrqFacts } from './irq-affinity.js';

const vf = (over: Partial<VfIrqFacts> = {}): VfIrqFacts => ({
  pciAddress: '0000:81:10.0',
  netdev: 'eth4',
  numaNode: 1,
  localCpus: [8, 9, 10, 11],
  irqs: [
    { irq: 40, current: [0, 1, 2, 3, 8, 9, 10, 11] },
    { irq: 41, current: [11, 10, 9, 8] },
  ],
  ...over,
});

const rows = (pins: ReturnType<typeof planIrqAffinity>) =>
  pins.map((p) => [p.irq, p.action, p.desired, p.reason]);

describe('IRQ affinity plan', () => {
  it('pins each MSI vector to the local CPUs; one already there is kept', () => {
    expect(rows(planIrqAffinity([vf()], null))).toEqual([
      [40, 'change', [8, 9, 10, 11], null],
      [41, 'keep', [8, 9, 10, 11], null],
    ]);
  });

  it('leaves offline CPUs out of the list the kernel would refuse', () => {
    const pins = planIrqAffinity([vf()], [0, 1, 2, 3, 8, 9]);
    expect(pins.map((p) => [p.action, p.desired])).toEqual([
      ['change', [8, 9]],
      ['change', [8, 9]],
    ]);
  });

  it('skips a VF without a NUMA node, or without online local CPUs, saying why', () => {
    const none = planIrqAffinity([vf({ numaNode: null })], null);
    expect(none.map((p) => p.action)).toEqual(['skip', 'skip']);
    expect(none[0]?.reason).toContain('no NUMA node');
    const offline = planIrqAffinity([vf()], [0, 1]);
    expect(offline.map((p) => p.reason)).toEqual([
      'no online CPU is local to NUMA node 1',
      'no online CPU is local to NUMA node 1',
    ]);
  });

  it('reports a VF without MSI vectors as one skipped row, and an IRQ without /proc entry', () => {
    expect(rows(planIrqAffinity([vf({ irqs: [] })], null))).toEqual([
      [null, 'skip', null, 'no MSI vectors: the VF driver has not enabled MSI/MSI-X'],
    ]);
    const gone = planIrqAffinity([vf({ irqs: [{ irq: 77, current: null }] })], null);
    expect(rows(gone)).toEqual([
      [77, 'skip', [8, 9, 10, 11], 'IRQ 77 is not requested (no /proc/irq/77): is eth4 down?'],
    ]);
  });

  it('keeps VFs apart: each gets its own node', () => {
    const other = vf({
      pciAddress: '0000:01:10.0',
      numaNode: 0,
      localCpus: [0, 1],
      irqs: [{ irq: 50, current: [8] }],
    });
    const pins = planIrqAffinity([vf(), other], null);
    expect(pins.map((p) => [p.vf, p.irq, p.desired])).toEqual([
      ['0000:81:10.0', 40, [8, 9, 10, 11]],
      ['0000:81:10.0', 41, [8, 9, 10, 11]],
      ['0000:01:10.0', 50, [0, 1]],
    ]);
  });
});
