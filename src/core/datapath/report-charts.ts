import type { ChartSeries } from './chart-data.js';
import type { LineChartSpec } from './chart-svg.js';
import type { DatapathReport, PathReport } from './datapath-report.js';

/** The report's charts, each with a file-safe name: the CLI writes them, the dashboard shows them. */
export interface ReportChart {
  /** `throughput-mbps`, `throughput-pps`, `latency-p99`. */
  readonly name: string;
  readonly spec: LineChartSpec;
}

const measured = (r: DatapathReport): PathReport[] => r.paths.filter((p) => p.skipped === null);

function series(r: DatapathReport, y: (p: PathReport) => ChartSeries['points']): ChartSeries[] {
  return measured(r).map((p) => ({ name: p.path, points: y(p) }));
}

/**
 * Throughput in Mbit/s and in frames/s, and p99 latency, one line per
 * measured path. A path whose search found no lossless rate is drawn at 0;
 * a frame size without a latency sample is a gap.
 */
export function reportCharts(r: DatapathReport): ReportChart[] {
  const caveat = r.emulated ? 'Emulated NICs: says nothing about hardware' : undefined;
  const base = { xTitle: 'Frame size (bytes)', caveat };
  const when = `${r.host}, ${r.startedAt.slice(0, 10)}`;
  return [
    {
      name: 'throughput-mbps',
      spec: {
        ...base,
        id: 'dp-mbps',
        title: `RFC 2544 throughput, ${when}`,
        yTitle: 'Throughput (Mbit/s)',
        series: series(r, (p) => p.points.map((t) => ({ x: t.frameSize, y: t.mbps }))),
      },
    },
    {
      name: 'throughput-pps',
      spec: {
        ...base,
        id: 'dp-pps',
        title: `RFC 2544 throughput, ${when}`,
        yTitle: 'Throughput (frames/s)',
        series: series(r, (p) => p.points.map((t) => ({ x: t.frameSize, y: t.ratePps }))),
      },
    },
    {
      name: 'latency-p99',
      spec: {
        ...base,
        id: 'dp-latency',
        title: `Round-trip latency (p99), ${when}`,
        yTitle: 'Latency p99 (µs)',
        series: series(r, (p) =>
          p.latency.flatMap((l) =>
            l.summary === null ? [] : [{ x: l.frameSize, y: l.summary.p99Us }],
          ),
        ),
      },
    },
  ];
}
