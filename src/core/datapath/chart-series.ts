import type { ChartData, NormalisedSeries } from './chart-data.js';
import { FONT, type ChartLayout, xPos, yPos } from './chart-layout.js';
import { markerSvg, seriesStyle, type SeriesStyle } from './chart-style.js';
import { coord, escapeXml, fitText } from './chart-text.js';

const MARKER_R = 4;

const strokeAttrs = (style: SeriesStyle): string =>
  `fill="none" stroke="${style.color}" stroke-width="2" stroke-linejoin="round"` +
  (style.dash === '' ? '' : ` stroke-dasharray="${style.dash}"`);

/**
 * One series: its line and a marker on every measured point. The line
 * breaks where a frame size has no measurement rather than bridging it, so
 * no line stands for a figure nobody measured.
 */
function seriesSvg(
  layout: ChartLayout,
  data: ChartData,
  s: NormalisedSeries,
  index: number,
): string {
  const style = seriesStyle(index);
  const n = data.categories.length;
  let d = '';
  let markers = '';
  let previous = false;
  s.values.forEach((v, i) => {
    if (v === undefined) {
      previous = false;
      return;
    }
    const x = xPos(layout, i, n);
    const y = yPos(layout, v);
    d += `${previous ? 'L' : 'M'}${coord(x)},${coord(y)}`;
    markers += markerSvg(style, x, y, MARKER_R);
    previous = true;
  });
  const line = d.includes('L') ? `<path d="${d}" ${strokeAttrs(style)}/>` : '';
  return `<g>${line}${markers}</g>`;
}

/** Every series, drawn in the caller's order (later ones on top). */
export const seriesLinesSvg = (layout: ChartLayout, data: ChartData): string =>
  data.series.map((s, i) => seriesSvg(layout, data, s, i)).join('\n');

/** The legend, right of the plot, in the same order as the series were given. */
export function legendSvg(layout: ChartLayout, data: ChartData): string {
  const rowHeight = FONT.legend + 8;
  const x = layout.legendX;
  return data.series
    .map((s, i) => {
      const style = seriesStyle(i);
      const y = layout.plot.top + 6 + i * rowHeight;
      const name = escapeXml(fitText(s.name, layout.legendWidth - 34, FONT.legend));
      return (
        `<g><path d="M${coord(x)},${coord(y)}L${coord(x + 24)},${coord(y)}" ${strokeAttrs(style)}/>` +
        markerSvg(style, x + 12, y, MARKER_R) +
        `<text x="${coord(x + 30)}" y="${coord(y)}" dominant-baseline="middle" font-size="${FONT.legend}">${name}</text></g>`
      );
    })
    .join('\n');
}
