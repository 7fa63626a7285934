import type { ChartData } from './chart-data.js';
import { FONT, type ChartLayout, xPos, yPos } from './chart-layout.js';
import { coord, escapeXml, fitText, textWidth } from './chart-text.js';

const AXIS = '#333333';
const GRID = '#dddddd';

/** A category's label: the frame size exactly (1518, not 1.5k), since sizes are names here. */
export const categoryLabel = (x: number): string => String(x);

/** Grid lines and y tick labels, behind the series. */
export function yAxisSvg(layout: ChartLayout): string {
  const { left, right } = layout.plot;
  return layout.yTicks.values
    .map((v, i) => {
      const y = coord(yPos(layout, v));
      const label = escapeXml(layout.yLabels[i] ?? '');
      return (
        `<line x1="${coord(left)}" y1="${y}" x2="${coord(right)}" y2="${y}" stroke="${GRID}" stroke-width="1"/>` +
        `<text x="${coord(left - 8)}" y="${y}" text-anchor="end" dominant-baseline="middle" font-size="${FONT.tick}">${label}</text>`
      );
    })
    .join('\n');
}

/**
 * X tick labels, one per category; where labels would overlap (many sizes on
 * a narrow chart) only every k-th is written, the series keep every point.
 */
export function xAxisSvg(layout: ChartLayout, data: ChartData): string {
  const n = data.categories.length;
  const band = (layout.plot.right - layout.plot.left) / Math.max(1, n);
  const widest = Math.max(0, ...data.categories.map((c) => textWidth(categoryLabel(c), FONT.tick)));
  const every = Math.max(1, Math.ceil((widest + 6) / Math.max(1, band)));
  const y = layout.plot.bottom;
  return data.categories
    .map((c, i) => {
      const x = coord(xPos(layout, i, n));
      const tick = `<line x1="${x}" y1="${coord(y)}" x2="${x}" y2="${coord(y + 5)}" stroke="${AXIS}"/>`;
      if (i % every !== 0) return tick;
      const text = escapeXml(categoryLabel(c));
      return `${tick}<text x="${x}" y="${coord(y + 8 + FONT.tick)}" text-anchor="middle" font-size="${FONT.tick}">${text}</text>`;
    })
    .join('\n');
}

/** The axis lines and both axis titles, the y one turned to read bottom-up. */
export function axisFrameSvg(layout: ChartLayout, xTitle: string, yTitle: string): string {
  const { left, right, top, bottom } = layout.plot;
  const midX = coord((left + right) / 2);
  const midY = coord((top + bottom) / 2);
  const yTitleX = coord(10 + FONT.axisTitle);
  const xText = escapeXml(fitText(xTitle, right - left, FONT.axisTitle));
  const yText = escapeXml(fitText(yTitle, bottom - top, FONT.axisTitle));
  return [
    `<line x1="${coord(left)}" y1="${coord(bottom)}" x2="${coord(right)}" y2="${coord(bottom)}" stroke="${AXIS}"/>`,
    `<line x1="${coord(left)}" y1="${coord(top)}" x2="${coord(left)}" y2="${coord(bottom)}" stroke="${AXIS}"/>`,
    `<text x="${midX}" y="${coord(layout.height - 10)}" text-anchor="middle" font-size="${FONT.axisTitle}">${xText}</text>`,
    `<text x="${yTitleX}" y="${midY}" text-anchor="middle" font-size="${FONT.axisTitle}" transform="rotate(-90 ${yTitleX} ${midY})">${yText}</text>`,
  ].join('\n');
}

/** Said in the plot itself, so an empty chart is not mistaken for a failed render. */
export function noDataSvg(layout: ChartLayout): string {
  const { left, right, top, bottom } = layout.plot;
  return `<text x="${coord((left + right) / 2)}" y="${coord((top + bottom) / 2)}" text-anchor="middle" dominant-baseline="middle" font-size="${FONT.axisTitle}" fill="#666666">No measurements</text>`;
}
