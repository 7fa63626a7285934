import type { DatapathReport, PathReport } from '../../core/datapath/datapath-report.js';
import { renderTable, type Cell } from '../output.js';

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const cpus = (l: readonly number[]) => (l.length === 0 ? 'not pinned' : l.join(','));
const node = (n: number | null) => (n === null ? '-' : String(n));

function rows(p: PathReport): Cell[][] {
  if (p.skipped !== null)
    return [[p.path, '-', '-', '-', '-', '-', '-', '-', `skipped: ${p.skipped}`]];
  return p.points.map((t) => {
    const l = p.latency.find((x) => x.frameSize === t.frameSize)?.summary ?? null;
    const notes = [
      t.generatorLimited ? 'generator-limited (the path may do more)' : '',
      t.ratePps === 0 ? 'no lossless rate' : '',
    ].filter((s) => s !== '');
    return [
      p.path,
      t.frameSize,
      int(t.ratePps),
      t.mbps.toFixed(1),
      t.trials,
      l === null ? null : int(l.p50Us),
      l === null ? null : int(l.p99Us),
      l === null ? null : int(l.maxUs),
      notes.join('; '),
    ];
  });
}

/** The report for people: what was measured on what, then one row per path and frame size. */
export function renderDatapathReport(r: DatapathReport): string {
  const facts = [
    `host       ${r.host}  (started ${r.startedAt}, ${String(r.durationS)} s)`,
    `kernel     ${r.kernel}`,
    `nic        ${r.nic}`,
    `driver     ${r.driver}`,
    `generator  ${r.generator}, ${String(r.trialDurationMs / 1000)} s trials, acceptable loss ${String(r.acceptableLoss)}`,
    `pinning    sender CPU ${cpus(r.pinning.senderCpus)}, receiver ${cpus(r.pinning.receiverCpus)}`,
    `numa       NIC node ${node(r.numa.nicNode)}, sender node ${node(r.numa.senderNode)}, receiver node ${node(r.numa.receiverNode)}`,
  ];
  const endpoints = r.paths.flatMap((p) =>
    p.endpoints === null ? [] : [`${p.path.padEnd(10)} ${p.endpoints}`],
  );
  const table = renderTable(
    ['path', 'frame', 'pps', 'mbit/s', 'trials', 'p50-us', 'p99-us', 'max-us', 'note'],
    r.paths.flatMap(rows),
  );
  const caveat = r.caveat === null ? '' : `\nCAVEAT: ${r.caveat}\n`;
  const lat = 'Latency: ICMP round trips under load at a fraction of each throughput rate.\n';
  return `${facts.join('\n')}\n\n${endpoints.join('\n')}${endpoints.length > 0 ? '\n\n' : ''}${table}${lat}${caveat}`;
}
