import { resolve } from 'node:path';
import { renderLineChart } from '../../core/datapath/chart-svg.js';
import type { DatapathReport } from '../../core/datapath/datapath-report.js';
import { reportCharts } from '../../core/datapath/report-charts.js';
import { VfleetError } from '../../core/errors.js';
import type { CliDeps } from '../cli-deps.js';

/**
 * The report and its charts under DIR: `report.json`, and each chart as
 * SVG and as PNG (rendered by librsvg's `rsvg-convert`, which scripts/setup
 * installs). Returns the paths written. Without rsvg-convert the SVGs are
 * still written and the PNGs are said to be missing.
 */
export async function writeReportFiles(
  deps: CliDeps,
  dir: string,
  r: DatapathReport,
): Promise<string[]> {
  const fs = deps.hostFs('/');
  const root = resolve(dir);
  const written: string[] = [];
  const json = resolve(root, 'report.json');
  await fs.writeFileAtomic(json, `${JSON.stringify(r, null, 2)}\n`, 0o644);
  written.push(json);
  for (const c of reportCharts(r)) {
    const svg = resolve(root, `${c.name}.svg`);
    await fs.writeFileAtomic(svg, renderLineChart(c.spec), 0o644);
    written.push(svg);
    const png = resolve(root, `${c.name}.png`);
    try {
      const out = await deps.runner.run('rsvg-convert', ['--format', 'png', '--output', png, svg]);
      if (out.exitCode !== 0) throw new Error(out.stderr.trim());
      written.push(png);
    } catch (e) {
      const why =
        e instanceof VfleetError && e.code === 'MISSING_DEPENDENCY'
          ? 'rsvg-convert is not installed (Debian: librsvg2-bin)'
          : (e as Error).message;
      deps.err(`vfleet: ${png} not written: ${why}\n`);
    }
  }
  return written;
}
