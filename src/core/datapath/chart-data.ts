/**
 * A chart's input, in its own minimal shape so the renderer does not depend
 * on the report's types, and its normalised form: the x values as ordered
 * categories and each series' value per category.
 */

export interface ChartPoint {
  readonly x: number;
  readonly y: number;
}

export interface ChartSeries {
  /** Shown in the legend and the description: user data, escaped on output. */
  readonly name: string;
  readonly points: readonly ChartPoint[];
}

export interface NormalisedSeries {
  readonly name: string;
  /** One entry per category; undefined where this series has no measurement. */
  readonly values: readonly (number | undefined)[];
}

export interface ChartData {
  /** Every x any series has, ascending, each once. */
  readonly categories: readonly number[];
  /** In the caller's order: it decides colours and the legend's order. */
  readonly series: readonly NormalisedSeries[];
  /** Extent of the y values, always including 0 (rates and latencies are read from zero). */
  readonly yMin: number;
  readonly yMax: number;
  readonly hasPoints: boolean;
}

// Beyond this a value is no measurement (1e18 bit/s is an exabit); leaving it
// out keeps the axis arithmetic far from Infinity.
const LIMIT = 1e18;
const usable = (p: ChartPoint): boolean =>
  Number.isFinite(p.x) && Number.isFinite(p.y) && Math.abs(p.x) <= LIMIT && Math.abs(p.y) <= LIMIT;

export function normalise(series: readonly ChartSeries[]): ChartData {
  const xs = new Set<number>();
  for (const s of series) for (const p of s.points) if (usable(p)) xs.add(p.x);
  const categories = [...xs].sort((a, b) => a - b);
  const index = new Map(categories.map((x, i) => [x, i]));
  let yMin = 0;
  let yMax = 0;
  const out = series.map((s) => {
    const values: (number | undefined)[] = categories.map(() => undefined);
    // A size measured twice keeps its last value: a rerun replaces the earlier figure.
    for (const p of s.points) {
      const i = usable(p) ? index.get(p.x) : undefined;
      if (i === undefined) continue;
      values[i] = p.y;
      yMin = Math.min(yMin, p.y);
      yMax = Math.max(yMax, p.y);
    }
    return { name: s.name, values };
  });
  return { categories, series: out, yMin, yMax, hasPoints: categories.length > 0 };
}
