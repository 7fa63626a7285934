import { coord } from './chart-text.js';

/**
 * How a series is told apart from the others, three ways at once so a chart
 * reads for colour-blind eyes and on a greyscale printout: an Okabe-Ito
 * colour, a marker shape and a dash pattern.
 */

// Okabe & Ito's colour-blind safe palette, ordered for a white background:
// the darker, most separated hues first; yellow (faint on white) last.
export const PALETTE = [
  '#0072B2', // blue
  '#D55E00', // vermillion
  '#009E73', // bluish green
  '#CC79A7', // reddish purple
  '#E69F00', // orange
  '#56B4E9', // sky blue
  '#000000', // black
  '#F0E442', // yellow
] as const;

export const MARKERS = [
  'circle',
  'square',
  'triangle',
  'diamond',
  'triangle-down',
  'cross',
] as const;
export type Marker = (typeof MARKERS)[number];

// Solid first; the others differ in rhythm, not only length, to survive scaling.
const DASHES = ['', '6 3', '2 3', '8 3 2 3'] as const;

export interface SeriesStyle {
  readonly color: string;
  readonly marker: Marker;
  /** SVG stroke-dasharray, '' for a solid line. */
  readonly dash: string;
}

/**
 * The style of the series at `index` in the caller's order: the same path
 * keeps its look across the throughput, packet-rate and latency charts as
 * long as the report lists paths in one order. Palette (8), markers (6) and
 * dashes (4) cycle independently, so combinations repeat only after 24.
 */
export const seriesStyle = (index: number): SeriesStyle => ({
  color: PALETTE[index % PALETTE.length] ?? PALETTE[0],
  marker: MARKERS[index % MARKERS.length] ?? MARKERS[0],
  dash: DASHES[index % DASHES.length] ?? '',
});

/** One marker centred on (x, y), about 2r across, filled with the series' colour. */
export function markerSvg(style: SeriesStyle, x: number, y: number, r: number): string {
  const fill = `fill="${style.color}" stroke="${style.color}"`;
  const p = (pts: readonly (readonly [number, number])[]) =>
    `<polygon points="${pts.map(([px, py]) => `${coord(x + px)},${coord(y + py)}`).join(' ')}" ${fill}/>`;
  switch (style.marker) {
    case 'circle':
      return `<circle cx="${coord(x)}" cy="${coord(y)}" r="${coord(r)}" ${fill}/>`;
    case 'square':
      // Squares look bigger than circles of the same width: 0.9 evens them out.
      return p([
        [-r * 0.9, -r * 0.9],
        [r * 0.9, -r * 0.9],
        [r * 0.9, r * 0.9],
        [-r * 0.9, r * 0.9],
      ]);
    case 'triangle':
      return p([
        [0, -r * 1.2],
        [r * 1.1, r * 0.8],
        [-r * 1.1, r * 0.8],
      ]);
    case 'triangle-down':
      return p([
        [0, r * 1.2],
        [r * 1.1, -r * 0.8],
        [-r * 1.1, -r * 0.8],
      ]);
    case 'diamond':
      return p([
        [0, -r * 1.3],
        [r * 1.1, 0],
        [0, r * 1.3],
        [-r * 1.1, 0],
      ]);
    case 'cross':
      // An open shape: drawn as strokes, it stays distinct from every filled one in grey.
      return `<path d="M${coord(x - r)},${coord(y - r)}L${coord(x + r)},${coord(y + r)}M${coord(x - r)},${coord(y + r)}L${coord(x + r)},${coord(y - r)}" stroke="${style.color}" stroke-width="2.5" fill="none"/>`;
  }
}
