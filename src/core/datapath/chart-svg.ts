import { axisFrameSvg, categoryLabel, noDataSvg, xAxisSvg, yAxisSvg } from './chart-axes.js';
import { normalise, type ChartData, type ChartSeries } from './chart-data.js';
import { chartLayout, FONT } from './chart-layout.js';
import { legendSvg, seriesLinesSvg } from './chart-series.js';
import { coord, escapeXml, fitText } from './chart-text.js';

export type { ChartPoint, ChartSeries } from './chart-data.js';

/**
 * A line chart of the datapath report: one line per path over frame sizes.
 *
 * The x axis is categorical, frame sizes equally spaced in ascending order.
 * The RFC 2544 sizes are a fixed set, not samples of a continuous variable:
 * on a log2 axis 1024, 1280 and 1518 would crowd into the last quarter (log2
 * 10, 10.3, 10.6 against 6 for 64) where the interesting MTU-sized end of
 * the curves is, while equal bands give every measured size the same room
 * and an exact label.
 */
export interface LineChartSpec {
  readonly title: string;
  /** A line under the title that qualifies the figures (emulated NICs, a short run). */
  readonly caveat?: string | undefined;
  readonly xTitle: string;
  /** With the unit, since tick labels carry only an SI prefix: "Throughput (Mbit/s)". */
  readonly yTitle: string;
  readonly series: readonly ChartSeries[];
  readonly width?: number | undefined;
  readonly height?: number | undefined;
  /**
   * Prefix of the ids of <title> and <desc>: charts inlined into one page
   * (the dashboard's host page) need distinct ones for aria-labelledby.
   */
  readonly id?: string | undefined;
}

// An id must be an XML name; anything else in the caller's prefix is dropped.
const safeId = (id: string | undefined): string => {
  const cleaned = (id ?? '').replace(/[^A-Za-z0-9_-]/g, '');
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : `chart${cleaned}`;
};

// Four significant digits: what a reader of the description needs, stable text.
const figure = (v: number): string => String(Number(v.toPrecision(4)));

/** The chart in words, for screen readers and for anyone who wants the numbers. */
export function describeChart(spec: LineChartSpec, data: ChartData): string {
  const head = `Line chart: ${spec.yTitle} by ${spec.xTitle}, one line per series.`;
  const caveat = spec.caveat === undefined || spec.caveat === '' ? '' : ` ${spec.caveat}.`;
  if (data.series.length === 0) return `${head}${caveat} No series.`;
  const lines = data.series.map((s) => {
    const pts = s.values.flatMap((v, i) =>
      v === undefined ? [] : [`${figure(v)} at ${categoryLabel(data.categories[i] ?? 0)}`],
    );
    return `${s.name}: ${pts.length === 0 ? 'no measurements' : pts.join(', ')}.`;
  });
  return `${head}${caveat} ${lines.join(' ')}`;
}

/** Standalone SVG 1.1 text; the same spec always gives the same bytes. */
export function renderLineChart(spec: LineChartSpec): string {
  const data = normalise(spec.series);
  const hasCaveat = spec.caveat !== undefined && spec.caveat !== '';
  const layout = chartLayout(data, { width: spec.width, height: spec.height, caveat: hasCaveat });
  const { width, height } = layout;
  const id = safeId(spec.id);
  const textWidth = width - 24;
  const titleY = 14 + FONT.title;
  const fullTitle = hasCaveat ? `${spec.title} (${spec.caveat ?? ''})` : spec.title;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-title ${id}-desc" font-family="DejaVu Sans, Verdana, sans-serif" fill="#222222">`,
    `<title id="${id}-title">${escapeXml(fullTitle)}</title>`,
    `<desc id="${id}-desc">${escapeXml(describeChart(spec, data))}</desc>`,
    // Opaque: a PNG made from it, or the chart on a dark page, stays legible.
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${coord(width / 2)}" y="${titleY}" text-anchor="middle" font-size="${FONT.title}" font-weight="bold">${escapeXml(fitText(spec.title, textWidth, FONT.title))}</text>`,
    hasCaveat
      ? `<text x="${coord(width / 2)}" y="${titleY + 6 + FONT.subtitle}" text-anchor="middle" font-size="${FONT.subtitle}" font-style="italic" fill="#555555">${escapeXml(fitText(spec.caveat ?? '', textWidth, FONT.subtitle))}</text>`
      : '',
    yAxisSvg(layout),
    xAxisSvg(layout, data),
    axisFrameSvg(layout, spec.xTitle, spec.yTitle),
    data.hasPoints ? seriesLinesSvg(layout, data) : noDataSvg(layout),
    legendSvg(layout, data),
    '</svg>',
    '',
  ]
    .filter((part, i, all) => part !== '' || i === all.length - 1)
    .join('\n');
}
