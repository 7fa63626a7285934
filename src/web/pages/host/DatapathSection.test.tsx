import { describe, expect, it } from 'vitest';
import type { DatapathEntryView } from '../../../api/answers.js';
import { datapathReportEntrySchema } from '../../../api/schemas/datapath.js';
import type { DatapathReport } from '../../../core/datapath/datapath-report.js';
import { sampleDatapathReport } from '../../../testing/datapath-sample.js';
import { count, renderAt } from '../../app/static-render.js';
import { DatapathSection, datapathKey } from './DatapathSection.js';

/** The answer of GET .../datapath-reports/latest, parsed by the API's own schema. */
const entry = (over: Partial<DatapathReport> = {}): DatapathEntryView =>
  datapathReportEntrySchema.parse({
    id: 3,
    host: 'h1',
    createdAt: '2030-01-01T00:10:00.000Z',
    report: sampleDatapathReport('h1', over),
  });

const render = (answer: DatapathEntryView | null) =>
  renderAt('/hosts/h1', <DatapathSection host="h1" />, [[datapathKey('h1'), answer]]);

const section = (html: string, testId: string) => {
  const at = html.indexOf(`data-testid="${testId}"`);
  expect(at, testId).toBeGreaterThan(-1);
  return html.slice(at);
};

describe('the datapath section of the host page', () => {
  it('says how to make a report when the host has none', () => {
    const html = render(null);
    expect(html).toContain('<code>vfleet bench datapath</code>');
    expect(html).not.toContain('datapath-table');
    expect(html).not.toContain('<img');
  });

  it("shows the run's facts and, for emulated NICs, the caveat first", () => {
    const e = entry();
    const html = render(e);
    const caveat = section(html, 'datapath-caveat');
    expect(caveat).toContain(`<strong>Caveat (emulated NICs): </strong>${e.report.caveat ?? '?'}`);
    expect(html.indexOf('datapath-caveat')).toBeLessThan(html.indexOf('datapath-facts'));
    const facts = section(html, 'datapath-facts');
    for (const [k, v] of [
      ['Kernel', e.report.kernel],
      ['NIC', e.report.nic],
      ['Generator', e.report.generator],
      ['CPU pinning', 'sender 2,3, receiver 4,5'],
      ['NUMA nodes', 'NIC 0, sender 0, receiver ?'],
      ['Started', '2030-01-01 00:00:00 UTC'],
      ['Trial duration', '2 s per trial'],
    ])
      expect(facts).toContain(`<dt>${k}</dt><dd>${v}</dd>`);
    expect(render(entry({ emulated: false, caveat: null }))).not.toContain('datapath-caveat');
  });

  it('has a row per measured path and frame size, the generator limit marked, skipped paths with why', () => {
    const e = entry();
    const html = render(e);
    const measured = e.report.paths.filter((p) => p.skipped === null);
    const points = measured.reduce((n, p) => n + p.points.length, 0);
    expect(count(html, 'data-testid="datapath-row"')).toBe(points);
    const vfPoints = e.report.paths[0]?.points.length ?? 0;
    const vf1518 = e.report.paths[0]?.points.find((p) => p.frameSize === 1518);
    const row = html.split('</tr>').filter((r) => r.includes('data-path="vf"'));
    expect(row).toHaveLength(vfPoints);
    const last = row.find((r) => r.includes('>1518<')) ?? '';
    expect(last).toContain(`>${(vf1518?.ratePps ?? 0).toLocaleString('en-US')}<`);
    expect(row[0]).toContain('generator-limited');
    expect(count(html, 'generator-limited')).toBe(1);
    expect(section(html, 'datapath-skipped')).toContain('skipped: no vDPA device on this host');
  });

  it('draws the three charts as images of the SVG, each with its alt text', () => {
    const html = render(entry());
    const imgs = [...html.matchAll(/<img src="([^"]*)" alt="([^"]*)"\/>/g)];
    expect(imgs.map((m) => m[2]?.split(':')[0])).toEqual([
      'RFC 2544 throughput, h1, 2030-01-01',
      'RFC 2544 throughput, h1, 2030-01-01',
      'Round-trip latency (p99), h1, 2030-01-01',
    ]);
    for (const [, src = '', alt = ''] of imgs) {
      const prefix = 'data:image/svg+xml;charset=utf-8,';
      expect(src.startsWith(prefix)).toBe(true);
      const svg = decodeURIComponent(src.slice(prefix.length).replaceAll('&amp;', '&'));
      expect(svg).toMatch(/^<\?xml[^>]*>\n<svg /);
      expect(svg).toContain('>macvtap<');
      expect(alt).toContain('(vf, macvtap)');
    }
    // The SVG is an image's source, never markup of the page.
    expect(html).not.toContain('<svg');
  });
});
