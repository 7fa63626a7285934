import { describe, expect, it } from 'vitest';
import { findVf, numaColumns, vfCells } from './vf-grid.js';
import { sampleHost } from './sample-host.js';

describe('VF grid cells', () => {
  it('gives one cell per VF in index order, with the state in words and a letter', () => {
    const host = sampleHost(1, 6);
    const pf = host.pfs[0];
    if (pf === undefined) throw new Error('no PF');
    const shuffled = { ...pf, vfs: [...pf.vfs].reverse() };
    const cells = vfCells(shuffled);
    expect(cells.map((c) => c.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(cells.map((c) => `${c.state}:${c.letter}`)).toEqual([
      'allocated:A',
      'dirty:D',
      'quarantined:Q',
      'allocated:A',
      'free:F',
      'free:F',
    ]);
  });

  it('names the VF and who holds it in the title (the accessible name)', () => {
    const pf = sampleHost(1, 1).pfs[0];
    if (pf === undefined) throw new Error('no PF');
    const [cell] = vfCells(pf);
    expect(cell?.title).toBe('VF 0 0000:3b:10.0: allocated to vm-i-0-0 (acme) on blue');
  });

  it('finds a VF by PCI address on any PF, and nothing for an unknown one', () => {
    const host = sampleHost(2, 4);
    const found = findVf(host, '0000:3c:10.3');
    expect(found?.pf.pciAddress).toBe('0000:3c:00.0');
    expect(found?.vf.index).toBe(3);
    expect(findVf(host, '0000:99:10.0')).toBeNull();
    expect(findVf(host, null)).toBeNull();
  });
});

describe('NUMA columns', () => {
  it('puts nodes side by side in node order with their PFs, and PFs of no known node last', () => {
    const cols = numaColumns(sampleHost(3, 2));
    expect(cols.map((c) => [c.node, c.cpus, c.pfs.map((p) => p.pciAddress)])).toEqual([
      [0, 16, ['0000:3b:00.0']],
      [1, 16, ['0000:3c:00.0']],
      [null, null, ['0000:3d:00.0']],
    ]);
  });

  it('adds no unknown column when every PF has its node', () => {
    expect(numaColumns(sampleHost(2, 2)).map((c) => c.node)).toEqual([0, 1]);
  });
});
