import type { ChartSeries } from './chart-data.js';
import type { LineChartSpec } from './chart-svg.js';

/**
 * Example chart input for tests and previews: the RFC 2544 frame sizes and
 * the six paths, with made-up figures shaped like real ones (rates rising
 * with frame size towards line rate, each slower path below the last).
 */
export const RFC2544_FRAME_SIZES = [64, 128, 256, 512, 1024, 1280, 1518] as const;
export const EXAMPLE_PATHS = ['vf', 'macvtap', 'vhost', 'virtio', 'e1000', 'vdpa'] as const;

export const exampleSeries = (paths: readonly string[] = EXAMPLE_PATHS): ChartSeries[] =>
  paths.map((name, k) => ({
    name,
    points: RFC2544_FRAME_SIZES.map((x) => ({ x, y: Math.round((9400 * x) / (x + 20) / (k + 1)) })),
  }));

export const exampleThroughputChart = (
  series: readonly ChartSeries[] = exampleSeries(),
): LineChartSpec => ({
  title: 'Throughput without loss (RFC 2544)',
  caveat: 'emulated NICs: the figures say nothing about hardware',
  xTitle: 'Frame size (bytes)',
  yTitle: 'Throughput (Mbit/s)',
  series,
});
