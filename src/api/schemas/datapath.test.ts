import { describe, expect, it } from 'vitest';
import type { DatapathReport } from '../../core/datapath/datapath-report.js';
import { fieldPath } from '../../core/validation.js';
import { sampleDatapathReport } from '../../testing/datapath-sample.js';
import {
  datapathReportSchema,
  type DatapathReportInput,
  type MutuallyAssignable,
} from './datapath.js';

/** The first field the schema blames for `body`, or null when it passes. */
const blamed = (body: unknown): string | null => {
  const r = datapathReportSchema.safeParse(body);
  return r.success ? null : fieldPath(r.error.issues[0]?.path ?? []);
};

describe('the datapath report schema', () => {
  it('takes a report as the core types it, unchanged', () => {
    const report = sampleDatapathReport();
    expect(datapathReportSchema.parse(report)).toEqual(report);
  });

  it('refuses out-of-bounds fields, naming each', () => {
    const r = sampleDatapathReport();
    const [vf, ...rest] = r.paths;
    if (vf === undefined) throw new Error('the sample measures vf');
    const withVf = (v: object) => ({ ...r, paths: [{ ...vf, ...v }, ...rest] });
    const point = vf.points[0];
    const cases: [unknown, string][] = [
      [{ ...r, host: 'two words' }, 'host'],
      [{ ...r, kernel: '' }, 'kernel'],
      [{ ...r, nic: 'x'.repeat(201) }, 'nic'],
      [{ ...r, driver: 'igb\u001b[31m' }, 'driver'],
      [{ ...r, emulated: true, caveat: null }, 'caveat'],
      [{ ...r, acceptableLoss: 1.5 }, 'acceptableLoss'],
      [{ ...r, durationS: -1 }, 'durationS'],
      [{ ...r, startedAt: 'yesterday' }, 'startedAt'],
      [{ ...r, numa: { ...r.numa, nicNode: 1.5 } }, 'numa.nicNode'],
      [{ ...r, pinning: { ...r.pinning, senderCpus: [-1] } }, 'pinning.senderCpus[0]'],
      [withVf({ path: 'sriov' }), 'paths[0].path'],
      [withVf({ points: [{ ...point, frameSize: 63 }] }), 'paths[0].points[0].frameSize'],
      [withVf({ points: [{ ...point, frameSize: 9217 }] }), 'paths[0].points[0].frameSize'],
      [withVf({ points: [{ ...point, ratePps: -5 }] }), 'paths[0].points[0].ratePps'],
      [withVf({ points: [{ ...point, mbps: '9' }] }), 'paths[0].points[0].mbps'],
      [withVf({ points: Array.from({ length: 33 }, () => point) }), 'paths[0].points'],
      [{ ...r, paths: [vf, vf] }, 'paths'],
      [{ ...r, paths: Array.from({ length: 8 }, () => vf) }, 'paths'],
    ];
    for (const [body, field] of cases) expect(blamed(body), field).toBe(field);
  });

  it('is tied to the core type at compile time', () => {
    // The check the schema file makes, on shapes that drifted: each is refused.
    type More = DatapathReportInput & { readonly extra: string };
    type Less = Omit<DatapathReportInput, 'durationS'>;
    // @ts-expect-error a field the core type lacks
    const more: MutuallyAssignable<More, DatapathReport> = true;
    // @ts-expect-error a field of the core type missing
    const less: MutuallyAssignable<Less, DatapathReport> = true;
    const same: MutuallyAssignable<DatapathReportInput, DatapathReport> = true;
    expect([more, less, same]).toEqual([true, true, true]);
  });
});
