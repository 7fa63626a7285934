import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createExecRunner } from '../../adapters/exec/exec-runner.js';
import { createNodeHostFs } from '../../adapters/host-fs/node-host-fs.js';
import type { CommandRunner } from '../../core/ports.js';
import { VfleetError } from '../../core/errors.js';
import { sampleDatapathReport } from '../../testing/datapath-sample.js';
import type { CliDeps } from '../cli-deps.js';
import { writeReportFiles } from './chart-files.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const CHARTS = ['throughput-mbps', 'throughput-pps', 'latency-p99'];

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vfleet-charts-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function deps(runner: CommandRunner) {
  const said: string[] = [];
  const d: CliDeps = {
    hostFs: (root) => createNodeHostFs(root),
    runner,
    clock: { now: () => 0, sleep: () => Promise.resolve() },
    out: () => undefined,
    err: (t) => said.push(t),
    interactive: false,
    cacheDir: dir,
    installDir: dir,
    nodePath: process.execPath,
  };
  return { d, said };
}

describe('writeReportFiles', () => {
  it('writes report.json and each chart as SVG and, with rsvg-convert, PNG', async () => {
    const report = sampleDatapathReport('hv-a');
    const { d, said } = deps(createExecRunner({ env: process.env, path: process.env.PATH ?? '' }));
    const out = join(dir, 'run 1');
    const written = await writeReportFiles(d, out, report);
    expect(said).toEqual([]);
    expect(written).toEqual([
      join(out, 'report.json'),
      ...CHARTS.flatMap((c) => [join(out, `${c}.svg`), join(out, `${c}.png`)]),
    ]);
    expect((await readdir(out)).sort()).toEqual(written.map((p) => p.slice(out.length + 1)).sort());
    expect(JSON.parse(await readFile(join(out, 'report.json'), 'utf8'))).toEqual(report);
    for (const c of CHARTS) {
      const svg = await readFile(join(out, `${c}.svg`), 'utf8');
      expect(svg).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg [^>]*role="img"/);
      expect(svg).toContain('>vf<');
      expect(svg).toContain('>macvtap<');
      expect(svg).not.toContain('>vdpa<');
      const png = await readFile(join(out, `${c}.png`));
      expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    }
  });

  it('still writes the SVGs without rsvg-convert, and says which PNGs are missing', async () => {
    const missing: CommandRunner = {
      run: (command) =>
        Promise.reject(new VfleetError('MISSING_DEPENDENCY', `${command}: not found on PATH`)),
    };
    const { d, said } = deps(missing);
    const written = await writeReportFiles(d, dir, sampleDatapathReport());
    expect(written).toEqual([
      join(dir, 'report.json'),
      ...CHARTS.map((c) => join(dir, `${c}.svg`)),
    ]);
    expect(said).toEqual(
      CHARTS.map(
        (c) =>
          `vfleet: ${join(dir, `${c}.png`)} not written: rsvg-convert is not installed (Debian: librsvg2-bin)\n`,
      ),
    );
  });

  it("passes on rsvg-convert's own complaint when it fails", async () => {
    const failing: CommandRunner = {
      run: () => Promise.resolve({ exitCode: 1, stdout: '', stderr: 'Error reading SVG\n' }),
    };
    const { d, said } = deps(failing);
    const written = await writeReportFiles(d, dir, sampleDatapathReport());
    expect(written).toHaveLength(4);
    expect(said[0]).toBe(
      `vfleet: ${join(dir, 'throughput-mbps.png')} not written: Error reading SVG\n`,
    );
  });
});
