import { describe, expect, it } from 'vitest';
import { findVf, linkText, numaColumns, rateText, vfCells } from './vf-grid.js';
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

  it('marks a VF handed to another owner, in its title too', () => {
    const pf = sampleHost(1, 8).pfs[0];
    if (pf === undefined) throw new Error('no PF');
    const cells = vfCells(pf);
    expect(cells.map((c) => c.handedTo)).toEqual([...Array<null>(7).fill(null), 'openstack']);
    expect(cells[7]?.title).toBe('VF 7 0000:3b:10.7: free, handed to openstack');
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

describe('PF link and port rates in words', () => {
  it('gives the link state, its speed when known, and says when it was set down', () => {
    expect(linkText({ state: 'up', adminUp: true, speedMbps: 10000 })).toBe('up · 10000 Mb/s');
    expect(linkText({ state: 'down', adminUp: true, speedMbps: null })).toBe('down');
    expect(linkText({ state: 'down', adminUp: false, speedMbps: null })).toBe('down (set down)');
    expect(linkText({ state: null, adminUp: null, speedMbps: null })).toBe('not reported');
  });

  it('says none for a zero rate (no cap) and a dash when no port holds the VF', () => {
    expect(rateText(1000)).toBe('1000 Mbit/s');
    expect(rateText(0)).toBe('none');
    expect(rateText(null)).toBe('–');
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
