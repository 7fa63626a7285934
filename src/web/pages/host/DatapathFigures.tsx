import type { DatapathEntryView } from '../../../api/answers.js';
import { datapathCharts, datapathRows, skippedPaths } from './datapath-view.js';

/** The report's figures: one table row per path and frame size, the skipped paths, the charts. */
export function DatapathFigures({ report }: { report: DatapathEntryView['report'] }) {
  const rows = datapathRows(report);
  const skipped = skippedPaths(report);
  return (
    <>
      <table className="datapath" data-testid="datapath-table">
        <caption>Throughput without loss and latency, per path and frame size</caption>
        <thead>
          <tr>
            <th scope="col">Path</th>
            <th scope="col">Frame (bytes)</th>
            <th scope="col">Frames/s</th>
            <th scope="col">Mbit/s</th>
            <th scope="col">Latency p50 (µs)</th>
            <th scope="col">Latency p99 (µs)</th>
            <th scope="col">Note</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key} data-testid="datapath-row" data-path={row.path}>
              <th scope="row">{row.path}</th>
              <td className="num">{row.frameSize}</td>
              <td className="num">{row.pps}</td>
              <td className="num">{row.mbps}</td>
              <td className="num">{row.p50}</td>
              <td className="num">{row.p99}</td>
              <td>{row.generatorLimited ? 'generator-limited: the path may do better' : ''}</td>
            </tr>
          ))}
          {skipped.map((s) => (
            <tr key={s.path} data-testid="datapath-skipped" data-path={s.path}>
              <th scope="row">{s.path}</th>
              <td colSpan={6}>skipped: {s.reason}</td>
            </tr>
          ))}
          {rows.length === 0 && skipped.length === 0 ? (
            <tr>
              <td colSpan={7}>No path in this report.</td>
            </tr>
          ) : null}
        </tbody>
      </table>
      <div className="datapath-charts">
        {datapathCharts(report).map((c) => (
          <figure key={c.name} data-testid="datapath-chart" data-chart={c.name}>
            <img src={c.src} alt={c.alt} />
          </figure>
        ))}
      </div>
    </>
  );
}
