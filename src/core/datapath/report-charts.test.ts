import { describe, expect, it } from 'vitest';
import { sampleDatapathReport } from '../../testing/datapath-sample.js';
import type { DatapathReport, PathReport } from './datapath-report.js';
import { reportCharts } from './report-charts.js';

const point = (frameSize: number, ratePps: number, mbps: number) => ({
  frameSize,
  ratePps,
  mbps,
  trials: 9,
  lossRatioAtRate: ratePps === 0 ? null : 0,
  generatorLimited: false,
});
const lat = (frameSize: number, p99Us: number | null) => ({
  frameSize,
  summary:
    p99Us === null
      ? null
      : { p50Us: 1, p90Us: 2, p99Us, maxUs: p99Us + 1, samples: 100, atPps: 10 },
});

const vf: PathReport = {
  path: 'vf',
  skipped: null,
  endpoints: 'VFs eth2 -> eth3 on eth0 (switched by the NIC)',
  points: [point(64, 1000, 0.672), point(128, 900, 1.065), point(1518, 80, 0.984)],
  latency: [lat(64, 120), lat(128, null), lat(1518, 300)],
};
const macvtap: PathReport = {
  path: 'macvtap',
  skipped: null,
  endpoints: 'macvlans',
  points: [point(64, 0, 0)],
  latency: [lat(64, null)],
};
const skipped = (path: 'vhost' | 'vdpa'): PathReport => ({
  path,
  skipped: 'needs a VM',
  endpoints: null,
  points: [],
  latency: [],
});

const report = (over: Partial<DatapathReport> = {}): DatapathReport =>
  sampleDatapathReport('hv-a', {
    startedAt: '2031-02-03T04:05:06.000Z',
    emulated: false,
    caveat: null,
    paths: [vf, skipped('vhost'), macvtap, skipped('vdpa')],
    ...over,
  });

describe('reportCharts', () => {
  it('gives the three charts with file-safe names, ids and titles', () => {
    const charts = reportCharts(report());
    expect(charts.map((c) => [c.name, c.spec.id, c.spec.title, c.spec.yTitle])).toEqual([
      [
        'throughput-mbps',
        'dp-mbps',
        'RFC 2544 throughput, hv-a, 2031-02-03',
        'Throughput (Mbit/s)',
      ],
      [
        'throughput-pps',
        'dp-pps',
        'RFC 2544 throughput, hv-a, 2031-02-03',
        'Throughput (frames/s)',
      ],
      [
        'latency-p99',
        'dp-latency',
        'Round-trip latency (p99), hv-a, 2031-02-03',
        'Latency p99 (µs)',
      ],
    ]);
    for (const c of charts) expect(c.spec.xTitle).toBe('Frame size (bytes)');
  });

  it('draws one line per measured path, leaving skipped paths out', () => {
    const [mbps, pps] = reportCharts(report());
    expect(mbps?.spec.series).toEqual([
      {
        name: 'vf',
        points: [
          { x: 64, y: 0.672 },
          { x: 128, y: 1.065 },
          { x: 1518, y: 0.984 },
        ],
      },
      // No lossless rate is drawn at 0.
      { name: 'macvtap', points: [{ x: 64, y: 0 }] },
    ]);
    expect(pps?.spec.series).toEqual([
      {
        name: 'vf',
        points: [
          { x: 64, y: 1000 },
          { x: 128, y: 900 },
          { x: 1518, y: 80 },
        ],
      },
      { name: 'macvtap', points: [{ x: 64, y: 0 }] },
    ]);
  });

  it('leaves a gap where a frame size has no latency sample', () => {
    const latency = reportCharts(report())[2];
    expect(latency?.spec.series).toEqual([
      {
        name: 'vf',
        points: [
          { x: 64, y: 120 },
          { x: 1518, y: 300 },
        ],
      },
      { name: 'macvtap', points: [] },
    ]);
  });

  it('puts the emulation caveat on every chart of an emulated run, and none otherwise', () => {
    for (const c of reportCharts(report({ emulated: true, caveat: 'QEMU' })))
      expect(c.spec.caveat).toBe('Emulated NICs: says nothing about hardware');
    for (const c of reportCharts(report())) expect(c.spec.caveat).toBeUndefined();
  });

  it('draws no line when every path was skipped', () => {
    const charts = reportCharts(report({ paths: [skipped('vhost')] }));
    expect(charts.map((c) => c.spec.series)).toEqual([[], [], []]);
  });
});
