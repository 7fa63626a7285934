import { describe, expect, it } from 'vitest';
import { VF_COLUMNS } from './layout.js';
import { layoutNetwork } from './network-layout.js';
import { samplePorts } from './sample-ports.js';

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}
const overlap = (a: Box, b: Box) =>
  a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
/** Every pair of boxes that overlap (none, in a readable picture). */
const overlaps = (boxes: readonly Box[]) =>
  boxes.flatMap((a, i) =>
    boxes
      .slice(i + 1)
      .filter((b) => overlap(a, b))
      .map((b) => [a, b]),
  );
const inside = (inner: Box, outer: Box) =>
  inner.y >= outer.y && inner.y + inner.h <= outer.y + outer.h;

describe('network topology layout', () => {
  // Many hosts, each with 2 PFs × 64 VFs of the network: the size the issue asks to stay readable.
  const ports = samplePorts(6, 2, 64);
  const placed = ports.filter((p) => p.pciAddress !== null);
  const { picture: t, unplaced } = layoutNetwork(ports);
  const cells = t.vfs.map((v) => ({ ...v, w: v.size, h: v.size }));

  it('draws every host once, in name order, and each port holding a VF once, under its own PF and host', () => {
    expect(t.hosts.map((h) => h.id)).toEqual([
      'hv-00',
      'hv-01',
      'hv-02',
      'hv-03',
      'hv-04',
      'hv-05',
    ]);
    expect(t.pfs).toHaveLength(12);
    expect(t.vfs).toHaveLength(placed.length);
    for (const p of placed) {
      const drawn = cells.filter((v) => v.pci === p.pciAddress && v.host === p.host);
      expect(drawn, p.id).toHaveLength(1);
      const band = t.pfs.find((b) => b.pci === p.pf && b.host === p.host);
      expect(band, p.id).toBeDefined();
      if (band !== undefined && drawn[0] !== undefined) expect(inside(drawn[0], band)).toBe(true);
      expect(drawn[0]?.index).toBe(p.vfIndex);
      expect(drawn[0]?.title).toContain(p.id);
    }
    // Each host's header comes before its PF bands and after the previous host's.
    for (const b of t.pfs) {
      const header = t.hosts.find((h) => h.id === b.host);
      const next = t.hosts[t.hosts.findIndex((h) => h.id === b.host) + 1];
      expect(b.y).toBeGreaterThan(header?.y ?? Infinity);
      if (next !== undefined) expect(b.y + b.h).toBeLessThan(next.y);
    }
  });

  it('counts the ports that hold no VF yet instead of drawing them', () => {
    expect(unplaced).toBe(1);
    expect(t.vfs.map((v) => v.title).join()).not.toContain('port-waiting');
  });

  it('stays readable: no two boxes overlap, VF cells at least 20 px, all inside the picture', () => {
    expect(overlaps(cells)).toEqual([]);
    expect(overlaps([...t.hosts, ...t.pfs, ...t.instances])).toEqual([]);
    expect(overlaps([...t.hosts, ...cells])).toEqual([]);
    expect(Math.min(...t.vfs.map((v) => v.size))).toBeGreaterThanOrEqual(20);
    expect(new Set(t.vfs.map((v) => v.y)).size).toBe(6 * 2 * (64 / VF_COLUMNS));
    for (const b of [...cells, ...t.instances, ...t.pfs, ...t.hosts]) {
      expect(b.x + b.w).toBeLessThanOrEqual(t.width);
      expect(b.y + b.h).toBeLessThanOrEqual(t.height);
    }
  });

  it("links each port's VF to its instance, drawn once per PF beside that PF", () => {
    expect(t.links).toHaveLength(placed.length);
    for (const p of placed) {
      const l = t.links.find((x) => x.pci === p.pciAddress && x.instance === p.instanceId);
      const band = t.pfs.find((b) => b.pci === p.pf && b.host === p.host);
      const box = t.instances.find(
        (i) => i.id === p.instanceId && band !== undefined && inside(i, band),
      );
      expect(box?.label).toBe(p.instance);
      expect(l?.y2).toBe((box?.y ?? NaN) + (box?.h ?? NaN) / 2);
    }
    expect(t.instances).toHaveLength(new Set(placed.map((p) => p.instanceId)).size);
  });

  it('draws nothing but an empty picture for a network without ports', () => {
    const empty = layoutNetwork([]);
    expect([empty.picture.hosts, empty.picture.vfs, empty.picture.links]).toEqual([[], [], []]);
    expect(empty.unplaced).toBe(0);
  });
});
