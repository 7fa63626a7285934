import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExecRunner } from '../../adapters/exec/exec-runner.js';
import { exampleSeries, exampleThroughputChart } from './chart-examples.js';
import { PALETTE } from './chart-style.js';
import { renderLineChart, type ChartSeries } from './chart-svg.js';

/**
 * The charts as real programs read them: libxml2's parser (xmllint) for
 * well-formed XML, librsvg (rsvg-convert, Debian's librsvg2-bin, installed by
 * scripts/setup) for an SVG that renders at the size it says, with every
 * series painted in its colour.
 */
const runner = createExecRunner({ path: process.env.PATH });
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vfleet-chart-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function xmllint(name: string, svg: string): Promise<string> {
  const file = path.join(dir, `${name}.svg`);
  await writeFile(file, svg);
  const r = await runner.run('xmllint', ['--noout', '--nonet', file]);
  return `${r.exitCode} ${r.stderr.trim()}`.trim();
}

async function rsvg(name: string, svg: string, size: readonly string[] = []): Promise<Buffer> {
  const file = path.join(dir, `${name}.svg`);
  const png = path.join(dir, `${name}.png`);
  await writeFile(file, svg);
  const r = await runner.run('rsvg-convert', [...size, '--format', 'png', '--output', png, file]);
  expect(`${r.exitCode} ${r.stderr.trim()}`.trim()).toBe('0');
  return readFile(png);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from the IHDR chunk, which the PNG format puts first. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  expect(png.toString('latin1', 12, 16)).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/**
 * The set of opaque colours in an 8-bit RGB or RGBA non-interlaced PNG (what
 * rsvg-convert writes; RGB when nothing is transparent): IDAT inflated and
 * each row unfiltered (PNG filters 0-4).
 */
function pngColours(png: Buffer): Set<string> {
  const { width, height } = pngSize(png);
  expect([png[24], png[28]]).toEqual([8, 0]);
  expect([2, 6]).toContain(png[25]);
  const bpp = png[25] === 6 ? 4 : 3;
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    if (png.toString('latin1', at + 4, at + 8) === 'IDAT')
      idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const rows: Uint8Array[] = [];
  const colours = new Set<string>();
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)] ?? 0;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const up = rows[y - 1] ?? new Uint8Array(stride);
    const row = new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? (row[i - bpp] ?? 0) : 0;
      const b = up[i] ?? 0;
      const c = i >= bpp ? (up[i - bpp] ?? 0) : 0;
      const p = a + b - c;
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      const paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter] ?? 0;
      row[i] = ((line[i] ?? 0) + predictor) & 0xff;
    }
    rows.push(row);
    for (let i = 0; i < stride; i += bpp) {
      if (bpp === 4 && row[i + 3] !== 255) continue;
      const hex = [row[i], row[i + 1], row[i + 2]].map((v) =>
        (v ?? 0).toString(16).padStart(2, '0'),
      );
      colours.add(`#${hex.join('')}`.toUpperCase());
    }
  }
  return colours;
}

const edgeCases: Record<string, ChartSeries[]> = {
  empty: [],
  'empty-series': [{ name: 'vf', points: [] }],
  'single-point': [{ name: 'vf', points: [{ x: 64, y: 812_345 }] }],
  'all-zero': exampleSeries().map((s) => ({ ...s, points: s.points.map((p) => ({ ...p, y: 0 })) })),
  escaping: [{ name: `vf <&"'> \u0000 😀`, points: [{ x: 64, y: 1 }] }],
};

describe('charts read by xmllint and rsvg-convert', () => {
  it('are well-formed XML for libxml2, also for edge cases and hostile names', async () => {
    expect(await xmllint('six-paths', renderLineChart(exampleThroughputChart()))).toBe('0');
    for (const [name, series] of Object.entries(edgeCases)) {
      expect(await xmllint(name, renderLineChart(exampleThroughputChart(series))), name).toBe('0');
    }
  });

  it('render to a PNG of the size the SVG declares, and scale to a requested one', async () => {
    const svg = renderLineChart({ ...exampleThroughputChart(), width: 800, height: 450 });
    expect(pngSize(await rsvg('declared', svg))).toEqual({ width: 800, height: 450 });
    const doubled = await rsvg('doubled', svg, ['--width', '1600', '--height', '900']);
    expect(pngSize(doubled)).toEqual({ width: 1600, height: 900 });
    for (const [name, series] of Object.entries(edgeCases)) {
      const png = await rsvg(`edge-${name}`, renderLineChart(exampleThroughputChart(series)));
      expect(pngSize(png), name).toEqual({ width: 720, height: 420 });
    }
  });

  it('paint every series in its own palette colour', async () => {
    const colours = pngColours(await rsvg('colours', renderLineChart(exampleThroughputChart())));
    for (const colour of PALETTE.slice(0, 6)) expect(colours, colour).toContain(colour);
    // Yellow is seventh-and-later only: with six paths it is not used at all.
    expect(colours).not.toContain(PALETTE[7]);
  });
});
