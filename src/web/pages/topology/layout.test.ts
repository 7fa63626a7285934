import { describe, expect, it } from 'vitest';
import { sampleHost } from '../host/sample-host.js';
import { layoutTopology, VF_COLUMNS } from './layout.js';

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}
/** Every pair of boxes that overlap (none, in a readable picture). */
const overlaps = (boxes: readonly Box[]) =>
  boxes.flatMap((a, i) =>
    boxes
      .slice(i + 1)
      .filter((b) => overlap(a, b))
      .map((b) => [a, b]),
  );
const overlap = (a: Box, b: Box) =>
  a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

describe('topology layout', () => {
  const host = sampleHost(2, 64);
  const t = layoutTopology(host);

  it('draws every PF and every VF once, inside the picture', () => {
    expect(t.pfs.map((p) => p.pci)).toEqual(host.pfs.map((p) => p.pciAddress));
    expect(t.vfs).toHaveLength(128);
    expect(new Set(t.vfs.map((v) => v.pci)).size).toBe(128);
    for (const v of t.vfs) {
      expect(v.x + v.size).toBeLessThanOrEqual(t.width);
      expect(v.y + v.size).toBeLessThanOrEqual(t.height);
    }
  });

  it('keeps 2 PFs × 64 VFs readable: no two VF cells overlap, each at least 20 px', () => {
    const boxes = t.vfs.map((v) => ({ x: v.x, y: v.y, w: v.size, h: v.size }));
    expect(overlaps(boxes)).toEqual([]);
    expect(Math.min(...t.vfs.map((v) => v.size))).toBeGreaterThanOrEqual(20);
    expect(new Set(t.vfs.map((v) => v.y)).size).toBe(2 * (64 / VF_COLUMNS));
  });

  it('draws each instance once per PF and links exactly the VFs it holds to it', () => {
    const held = host.pfs.flatMap((p) => p.vfs.filter((v) => v.instanceId !== null));
    expect(t.links).toHaveLength(held.length);
    for (const l of t.links) {
      const vf = held.find((v) => v.pciAddress === l.pci);
      expect(l.instance).toBe(vf?.instanceId);
      const box = t.instances.find((i) => i.id === l.instance && l.y2 >= i.y && l.y2 <= i.y + i.h);
      expect(box).toBeDefined();
      expect(l.x2).toBe(box?.x);
    }
    const perPf = host.pfs.map((p) => new Set(p.vfs.flatMap((v) => v.instanceId ?? [])).size);
    expect(t.instances).toHaveLength(perPf.reduce((a, b) => a + b, 0));
  });

  it('keeps instance boxes and PF bands apart', () => {
    const boxes: Box[] = [...t.instances, ...t.pfs];
    expect(overlaps(boxes)).toEqual([]);
  });
});
