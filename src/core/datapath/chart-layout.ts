import { formatTicks, niceTicks, type Ticks } from './chart-scale.js';
import type { ChartData } from './chart-data.js';
import { textWidth } from './chart-text.js';

/** Where everything of a chart goes, in SVG user units (pixels at 1:1). */
export interface ChartLayout {
  readonly width: number;
  readonly height: number;
  /** The plot area: x grows right, y grows down as in SVG. */
  readonly plot: {
    readonly left: number;
    readonly right: number;
    readonly top: number;
    readonly bottom: number;
  };
  readonly yTicks: Ticks;
  readonly yLabels: readonly string[];
  readonly legendX: number;
  readonly legendWidth: number;
}

export const FONT = { title: 16, subtitle: 12, axisTitle: 13, tick: 12, legend: 12 } as const;
export const DEFAULT_SIZE = { width: 720, height: 420 } as const;

// Below this the plot area would vanish (or turn negative) once margins are
// taken; above it a chart is a mistake, not a figure.
const MIN = { width: 320, height: 220 } as const;
const MAX = 4000;

const clampSize = (v: number | undefined, fallback: number, min: number): number =>
  v === undefined || !Number.isFinite(v) ? fallback : Math.round(Math.min(MAX, Math.max(min, v)));

export function chartLayout(
  data: ChartData,
  opts: { width?: number | undefined; height?: number | undefined; caveat: boolean },
): ChartLayout {
  const width = clampSize(opts.width, DEFAULT_SIZE.width, MIN.width);
  const height = clampSize(opts.height, DEFAULT_SIZE.height, MIN.height);
  const yTicks = niceTicks(data.yMin, data.yMax);
  const yLabels = formatTicks(yTicks);
  const widestLabel = Math.max(...yLabels.map((l) => textWidth(l, FONT.tick)));
  // The legend takes what its longest name needs, up to a quarter of the chart;
  // longer names are cut (the description keeps them whole).
  const longest = Math.max(0, ...data.series.map((s) => textWidth(s.name, FONT.legend)));
  const legendWidth = data.series.length === 0 ? 0 : Math.min(width / 4, longest + 40);
  const top = 14 + FONT.title + (opts.caveat ? 6 + FONT.subtitle : 0) + 18;
  const left = 10 + FONT.axisTitle + 10 + widestLabel + 8;
  const right = width - 16 - legendWidth - (legendWidth > 0 ? 12 : 0);
  const bottom = height - (8 + FONT.tick + 12 + FONT.axisTitle + 10);
  return {
    width,
    height,
    plot: { left, right, top, bottom },
    yTicks,
    yLabels,
    legendX: right + 12,
    legendWidth,
  };
}

/** The y value's vertical position; the tick range is never empty (niceTicks widens it). */
export function yPos(layout: ChartLayout, v: number): number {
  const lo = layout.yTicks.values[0] ?? 0;
  const hi = layout.yTicks.values[layout.yTicks.values.length - 1] ?? 1;
  const span = hi - lo || 1;
  return layout.plot.bottom - ((v - lo) / span) * (layout.plot.bottom - layout.plot.top);
}

/**
 * The centre of category `i` of `n`: frame sizes are equally spaced bands,
 * not a log axis (see chart-svg.ts for why).
 */
export const xPos = (layout: ChartLayout, i: number, n: number): number =>
  layout.plot.left + ((i + 0.5) * (layout.plot.right - layout.plot.left)) / Math.max(1, n);
