import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { exampleSeries, exampleThroughputChart } from './chart-examples.js';
import { PALETTE, MARKERS } from './chart-style.js';
import { renderLineChart, type ChartSeries, type LineChartSpec } from './chart-svg.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

function parse(svg: string) {
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  const root = doc.documentElement;
  if (root === null) throw new Error('no root element');
  return root;
}

const texts = (svg: string): string[] =>
  Array.from(parse(svg).getElementsByTagNameNS(SVG_NS, 'text')).map((t) => t.textContent ?? '');

const noBadNumbers = (svg: string) => {
  expect(svg).not.toMatch(/NaN|Infinity|undefined/);
};

const chart = (series: readonly ChartSeries[], extra: Partial<LineChartSpec> = {}) =>
  renderLineChart({ ...exampleThroughputChart(series), ...extra });

describe('renderLineChart', () => {
  it('is a standalone SVG 1.1 document with its size, title and description for assistive tech', () => {
    const root = parse(chart(exampleSeries(), { id: 'tput' }));
    expect(root.namespaceURI).toBe(SVG_NS);
    expect(root.getAttribute('version')).toBe('1.1');
    expect([root.getAttribute('width'), root.getAttribute('height')]).toEqual(['720', '420']);
    expect(root.getAttribute('viewBox')).toBe('0 0 720 420');
    expect(root.getAttribute('role')).toBe('img');
    expect(root.getAttribute('aria-labelledby')).toBe('tput-title tput-desc');
    const title = root.getElementsByTagNameNS(SVG_NS, 'title')[0];
    const desc = root.getElementsByTagNameNS(SVG_NS, 'desc')[0];
    expect(title?.getAttribute('id')).toBe('tput-title');
    expect(title?.textContent).toContain('Throughput without loss');
    expect(desc?.getAttribute('id')).toBe('tput-desc');
    // The description carries the figures themselves, for a screen reader.
    const [first, second] = exampleSeries()[0]?.points ?? [];
    expect(desc?.textContent).toContain(`vf: ${first?.y} at 64, ${second?.y} at 128,`);
    expect(desc?.textContent).toContain('emulated NICs');
  });

  it('gives the same bytes for the same input', () => {
    expect(chart(exampleSeries())).toBe(chart(exampleSeries()));
  });

  it('draws the title, the caveat, axis titles, nice y ticks and every frame size', () => {
    const t = texts(chart(exampleSeries()));
    expect(t).toEqual(
      expect.arrayContaining(['Throughput without loss (RFC 2544)', 'Frame size (bytes)']),
    );
    expect(t).toContain('emulated NICs: the figures say nothing about hardware');
    expect(t).toEqual(expect.arrayContaining(['0', '2k', '4k', '6k', '8k', '10k']));
    expect(t).toEqual(expect.arrayContaining(['64', '128', '256', '512', '1024', '1280', '1518']));
    expect(texts(chart(exampleSeries(), { caveat: undefined })).join('|')).not.toContain(
      'emulated',
    );
  });

  it('keeps the series order in the legend and gives each its own colour and marker', () => {
    const names = ['e1000', 'vf', 'virtio', 'vdpa', 'macvtap', 'vhost'];
    const svg = chart(exampleSeries(names));
    const legend = texts(svg).filter((t) => names.includes(t));
    expect(legend).toEqual(names);
    const colours = PALETTE.slice(0, 6).map((c) => svg.indexOf(`stroke="${c}"`));
    expect(colours.every((i) => i > 0)).toBe(true);
    expect(colours).toEqual([...colours].sort((a, b) => a - b));
    expect(new Set(MARKERS.slice(0, 6)).size).toBe(6);
    // Shapes present: circles, squares/triangles/diamonds as polygons, the cross as a path.
    expect(svg).toContain('<circle');
    expect(svg).toContain('<polygon');
  });

  it('escapes names and titles, which come back as the same text', () => {
    const evil = `vf <script>"&'</script>`;
    const svg = chart([{ name: evil, points: [{ x: 64, y: 1 }] }], { title: `a & b <c>` });
    expect(svg).not.toContain('<script>');
    const t = texts(svg);
    expect(t).toContain('a & b <c>');
    expect(t.some((s) => s.startsWith('vf <script>'))).toBe(true);
    expect(parse(svg).getElementsByTagNameNS(SVG_NS, 'desc')[0]?.textContent).toContain(evil);
  });

  it('renders empty input, a single point and all-zero values without NaN or Infinity', () => {
    const cases: ChartSeries[][] = [
      [],
      [{ name: 'vf', points: [] }],
      [{ name: 'vf', points: [{ x: 64, y: 1_488_095 }] }],
      [
        { name: 'vf', points: [{ x: 64, y: 0 }] },
        {
          name: 'e1000',
          points: [
            { x: 64, y: 0 },
            { x: 1518, y: 0 },
          ],
        },
      ],
      [
        {
          name: 'odd',
          points: [
            { x: NaN, y: 1 },
            { x: 64, y: Infinity },
            { x: 128, y: 1e300 },
          ],
        },
      ],
    ];
    for (const series of cases) {
      const svg = chart(series);
      noBadNumbers(svg);
      parse(svg);
    }
    expect(texts(chart([]))).toContain('No measurements');
    expect(texts(chart([{ name: 'vf', points: [{ x: NaN, y: 1 }] }]))).toContain('No measurements');
  });

  it('breaks a line where a frame size was not measured instead of bridging it', () => {
    const svg = chart([
      {
        name: 'vf',
        points: [
          { x: 64, y: 1 },
          { x: 128, y: 2 },
          { x: 512, y: 3 },
          { x: 1024, y: 4 },
        ],
      },
      { name: 'virtio', points: [{ x: 256, y: 1 }] },
    ]);
    const d = /<path d="([^"]+)" fill="none" stroke="#0072B2"/.exec(svg)?.[1] ?? '';
    expect(d.match(/M/g)).toHaveLength(2);
    expect(d.match(/L/g)).toHaveLength(2);
  });

  it('clamps a size too small or not a number to one that still has a plot area', () => {
    for (const [width, height] of [
      [10, 10],
      [NaN, -5],
      [1e9, 1e9],
    ] as const) {
      const root = parse(chart(exampleSeries(), { width, height }));
      const w = Number(root.getAttribute('width'));
      const h = Number(root.getAttribute('height'));
      expect(w).toBeGreaterThanOrEqual(320);
      expect(h).toBeGreaterThanOrEqual(220);
      expect(w).toBeLessThanOrEqual(4000);
    }
  });

  it('makes the id prefix an XML name', () => {
    const root = parse(chart([], { id: '1 "x"' }));
    expect(root.getAttribute('aria-labelledby')).toBe('chart1x-title chart1x-desc');
  });
});
