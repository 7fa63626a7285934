import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createNodeHostFs } from '../../adapters/host-fs/node-host-fs.js';
import { resolveBenchOptions } from '../../core/datapath/bench-options.js';
import type { DatapathReport } from '../../core/datapath/datapath-report.js';
import { VfleetError } from '../../core/errors.js';
import { runDatapathBench } from '../../host/datapath/run-datapath.js';
import { sampleDatapathReport } from '../../testing/datapath-sample.js';
import { buildFixtureHost, type FixtureHost } from '../../testing/fixture-host.js';
import { createPktgenSim } from '../../testing/pktgen-sim.js';
import type { CliDeps } from '../cli-deps.js';
import { buildProgram } from '../program.js';
import { renderDatapathReport } from './datapath-render.js';

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** One table line: the cells in order, separated by the table's padding. */
const row = (...cells: (string | number)[]) =>
  new RegExp(`^${cells.map((c) => esc(String(c))).join('\\s+')}$`, 'm');

function report(over: Partial<DatapathReport> = {}): DatapathReport {
  const base = sampleDatapathReport('hv-a');
  const [vf, macvtap, vdpa] = base.paths;
  if (vf === undefined || macvtap === undefined || vdpa === undefined) throw new Error('sample');
  const noRate = {
    ...macvtap,
    points: [{ ...macvtap.points[0], frameSize: 64, ratePps: 0, mbps: 0, lossRatioAtRate: null }],
    latency: [{ frameSize: 64, summary: null }],
  } as typeof macvtap;
  return { ...base, paths: [{ ...vf, points: vf.points.slice(0, 2) }, noRate, vdpa], ...over };
}

describe('renderDatapathReport', () => {
  it('says what was measured on what', () => {
    const text = renderDatapathReport(report());
    expect(text.split('\n').slice(0, 10)).toEqual([
      'host       hv-a  (started 2030-01-01T00:00:00.000Z, 412 s)',
      'kernel     6.1.0-28-amd64',
      'nic        Intel 82576 (igb), emulated by QEMU',
      'driver     igb',
      'generator  pktgen (kernel 6.1.0-28-amd64), 2 s trials, acceptable loss 0',
      'pinning    sender CPU 2,3, receiver 4,5',
      'numa       NIC node 0, sender node 0, receiver node -',
      '',
      'vf         two VFs of one PF, in namespaces',
      'macvtap    two macvtaps on one VF',
    ]);
  });

  it('gives one row per path and frame size, with the notes', () => {
    const text = renderDatapathReport(report());
    const table = text.slice(text.indexOf('PATH'));
    expect(table).toMatch(
      row('PATH', 'FRAME', 'PPS', 'MBIT/S', 'TRIALS', 'P50-US', 'P99-US', 'MAX-US', 'NOTE'),
    );
    expect(table).toMatch(
      row(
        'vf',
        64,
        '1,488,095',
        '1000.0',
        12,
        21,
        46,
        96,
        'generator-limited (the path may do more)',
      ),
    );
    expect(table).toMatch(row('vf', 128, '844,594', '1000.0', 12, 21, 48, 103, '-'));
    expect(table).toMatch(row('macvtap', 64, 0, '0.0', 12, '-', '-', '-', 'no lossless rate'));
    expect(table).toMatch(
      row('vdpa', '-', '-', '-', '-', '-', '-', '-', 'skipped: no vDPA device on this host'),
    );
    expect(table.split('\n').filter((l) => /^(vf|macvtap|vdpa) /.test(l))).toHaveLength(4);
  });

  it('ends with the latency note and the caveat when there is one', () => {
    const lat = 'Latency: ICMP round trips under load at a fraction of each throughput rate.\n';
    expect(
      renderDatapathReport(report()).endsWith(
        `${lat}\nCAVEAT: emulated NICs: the figures say nothing about hardware\n`,
      ),
    ).toBe(true);
    const plain = renderDatapathReport(report({ emulated: false, caveat: null }));
    expect(plain.endsWith(`\n${lat}`)).toBe(true);
    expect(plain).not.toContain('CAVEAT');
  });

  it('says who is not pinned and leaves out the endpoints block when nothing was measured', () => {
    const vdpaOnly = report({
      pinning: { senderCpus: [1], receiverCpus: [] },
      paths: report().paths.slice(2),
    });
    const text = renderDatapathReport(vdpaOnly);
    expect(text).toContain('pinning    sender CPU 1, receiver not pinned\n');
    expect(text).toContain('receiver node -\n\nPATH');
  });
});

let host: FixtureHost | undefined;
afterEach(async () => {
  await host?.cleanup();
  host = undefined;
});

async function simHost() {
  const fixture = await buildFixtureHost({
    hostname: 'hv-cli',
    pfs: [
      { pciAddress: '0000:03:00.0', ifname: 'eth0', vfs: [{ netdev: 'eth2' }, { netdev: 'eth3' }] },
    ],
  });
  host = fixture;
  return {
    fixture,
    sim: await createPktgenSim(fixture, { lossAt: (pps) => (pps <= 200_000 ? 0 : 0.1) }),
  };
}

async function cli(argv: string[]) {
  const { fixture, sim } = await simHost();
  let stdout = '';
  let stderr = '';
  const deps: CliDeps = {
    hostFs: (root) => createNodeHostFs(root),
    runner: sim.runner,
    clock: sim.clock,
    out: (t) => (stdout += t),
    err: (t) => (stderr += t),
    interactive: false,
    cacheDir: resolve(fixture.dir, 'cache'),
    installDir: resolve(import.meta.dirname, '..', '..', '..'),
    nodePath: process.execPath,
  };
  const args = ['bench', 'datapath', '--host-root', fixture.root, ...argv];
  const error = await buildProgram(deps)
    .parseAsync(args, { from: 'user' })
    .then(() => null)
    .catch((e: unknown) => e);
  return { stdout, stderr, error, sim };
}

const ARGS = ['--paths', 'vdpa,vf', '--frame-sizes', '64', '--duration', '0.5'];

describe('vfleet bench datapath', () => {
  it('-o json prints the report the run made', async () => {
    const r = await cli([...ARGS, '--latency-samples', '5', '-o', 'json']);
    expect(r.error).toBeNull();
    const printed = JSON.parse(r.stdout) as DatapathReport;
    // The same run straight from the host layer, on a fresh copy of the host.
    const again = await simHost();
    const direct = await runDatapathBench(
      { fs: again.fixture.fs, runner: again.sim.runner, clock: again.sim.clock },
      {
        runId: '1',
        options: resolveBenchOptions({
          paths: 'vf,vdpa',
          frameSizes: '64',
          duration: '0.5',
          latencySamples: '5',
        }),
        wish: {},
        progress: () => undefined,
        signal: new AbortController().signal,
      },
    );
    expect(printed).toEqual(direct);
    expect(printed.paths.map((p) => p.path)).toEqual(['vf', 'vdpa']);
    expect(printed.paths[0]?.points[0]?.ratePps).toBeGreaterThan(200_000 - 1489);
    expect(printed.paths[0]?.points[0]?.ratePps).toBeLessThanOrEqual(200_000);
  });

  it('prints the table and tells progress on stderr', async () => {
    const r = await cli([...ARGS, '--host', 'bench-1', '--latency-samples', '0']);
    expect(r.error).toBeNull();
    expect(r.stdout).toMatch(/^host {7}bench-1 {2}\(started 2031-01-02T03:04:05.000Z, \d+ s\)$/m);
    expect(r.stdout).toMatch(
      row(
        'vdpa',
        '-',
        '-',
        '-',
        '-',
        '-',
        '-',
        '-',
        'skipped: needs the forwarding VM (libvirt): this run measures between network namespaces',
      ),
    );
    expect(r.stdout).toMatch(/^vf\s+64\s+\d{3},\d{3}\s+\d+\.\d\s+\d+\s+-\s+-\s+-\s+-$/m);
    const lines = r.stderr.split('\n');
    expect(lines[0]).toBe(
      'vfleet bench: datapath: info: vf,vdpa at 64 B; each trial sends 0.5 s, up to 30 trials per frame size',
    );
    expect(lines).toContain(
      'vfleet bench: vf: start: VFs eth2 -> eth3 on eth0 (switched by the NIC)',
    );
    expect(lines).toContain(
      'vfleet bench: vdpa: skipped: needs the forwarding VM (libvirt): this run measures between network namespaces',
    );
    expect(lines.filter((l) => l.startsWith('vfleet bench: vf 64 B: info: trial 1: '))).toEqual([
      // 744,048 frames (half a second, rounded up) in 500,000 µs.
      'vfleet bench: vf 64 B: info: trial 1: 1,488,096 pps sent (1,488,095 asked), lost 10.00%',
    ]);
  });

  it('refuses a bad option naming it, before touching the host', async () => {
    const r = await cli(['--frame-sizes', '64,9000']);
    expect(r.error).toBeInstanceOf(VfleetError);
    expect((r.error as VfleetError).details).toEqual({ field: 'frame-sizes' });
    expect(r.sim.calls).toEqual([]);
  });
});
