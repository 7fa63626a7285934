import type { DatapathEntryView } from '../../../api/answers.js';
import { reportCharts } from '../../../core/datapath/report-charts.js';
import { renderLineChart } from '../../../core/datapath/chart-svg.js';
import { shortTime } from '../fleet/host-rows.js';

/** A host's latest datapath report as the host page shows it: facts, rows and charts. */

type Report = DatapathEntryView['report'];

// One locale for every reader: the page and its tests show the same digits.
const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const tenths = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

const node = (n: number | null) => (n === null ? '?' : String(n));
const cpuText = (cpus: readonly number[]) => (cpus.length === 0 ? 'not pinned' : cpus.join(','));

export function datapathFacts(e: DatapathEntryView): [string, string][] {
  const r = e.report;
  return [
    ['Kernel', r.kernel],
    ['NIC', r.nic],
    ['Driver', r.driver],
    ['Generator', r.generator],
    [
      'CPU pinning',
      `sender ${cpuText(r.pinning.senderCpus)}, receiver ${cpuText(r.pinning.receiverCpus)}`,
    ],
    [
      'NUMA nodes',
      `NIC ${node(r.numa.nicNode)}, sender ${node(r.numa.senderNode)}, receiver ${node(r.numa.receiverNode)}`,
    ],
    ['Started', shortTime(r.startedAt)],
    ['Trial duration', `${tenths.format(r.trialDurationMs / 1000)} s per trial`],
    ['Run duration', `${whole.format(r.durationS)} s`],
    ['Loss allowed', r.acceptableLoss === 0 ? 'none (RFC 2544)' : String(r.acceptableLoss)],
    ['Uploaded', shortTime(e.createdAt)],
  ];
}

/** One table row: a measured path at one frame size, its figures as text. */
export interface DatapathRow {
  readonly key: string;
  readonly path: string;
  readonly frameSize: number;
  readonly pps: string;
  readonly mbps: string;
  readonly p50: string;
  readonly p99: string;
  readonly generatorLimited: boolean;
}

const us = (v: number | undefined) => (v === undefined ? '–' : tenths.format(v));

export function datapathRows(r: Report): DatapathRow[] {
  return r.paths
    .filter((p) => p.skipped === null)
    .flatMap((p) => {
      const sizes = [
        ...new Set([...p.points.map((x) => x.frameSize), ...p.latency.map((l) => l.frameSize)]),
      ].sort((a, b) => a - b);
      return sizes.map((frameSize) => {
        const t = p.points.find((x) => x.frameSize === frameSize);
        const l = p.latency.find((x) => x.frameSize === frameSize)?.summary ?? undefined;
        return {
          key: `${p.path}/${frameSize}`,
          path: p.path,
          frameSize,
          pps: t === undefined ? '–' : whole.format(t.ratePps),
          mbps: t === undefined ? '–' : tenths.format(t.mbps),
          p50: us(l?.p50Us),
          p99: us(l?.p99Us),
          generatorLimited: t?.generatorLimited ?? false,
        };
      });
    });
}

export const skippedPaths = (r: Report) =>
  r.paths.flatMap((p) => (p.skipped === null ? [] : [{ path: p.path, reason: p.skipped }]));

export interface ChartImage {
  readonly name: string;
  /** The SVG as a data: URL: an <img> shows it without putting its markup into the page. */
  readonly src: string;
  readonly alt: string;
}

export function datapathCharts(r: Report): ChartImage[] {
  return reportCharts(r).map(({ name, spec }) => {
    const lines = spec.series.map((s) => s.name).join(', ');
    return {
      name,
      src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(renderLineChart(spec))}`,
      alt: `${spec.title}: ${spec.yTitle} by frame size, one line per path (${lines === '' ? 'none measured' : lines}); the figures are in the table above.`,
    };
  });
}
