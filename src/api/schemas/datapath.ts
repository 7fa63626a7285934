import { z } from '@hono/zod-openapi';
import { DATAPATH_PATHS, type DatapathReport } from '../../core/datapath/datapath-report.js';
import { idParam, int, nameSchema, textSchema } from './common.js';

/**
 * The report of `vfleet bench datapath` as the API takes it: the core's
 * `DatapathReport` field for field (the check at the end of this file stops
 * them drifting apart), with bounds so a bad upload is a 400 naming its
 * field and never reaches the store.
 */

/** RFC 2544's sizes and jumbo frames up to 9216 bytes. */
export const MIN_FRAME_SIZE = 64;
export const MAX_FRAME_SIZE = 9216;
/** Every path of DATAPATH_PATHS, and room for one more a newer CLI may measure. */
export const MAX_REPORT_PATHS = 7;
/** RFC 2544's 7 sizes, with room for finer sweeps. */
export const MAX_REPORT_POINTS = 32;

const text = (max: number) => textSchema(max).min(1, 'must not be empty');

/** A measured quantity: JSON has no NaN or Infinity, and zod refuses them as well. */
const amount = (what: string, max: number) =>
  z
    .number('must be a number')
    .min(0, `${what} must be 0 to ${max}`)
    .max(max, `${what} must be 0 to ${max}`);

const ratio = (what: string) => amount(what, 1);
const frameSize = int(MIN_FRAME_SIZE, MAX_FRAME_SIZE, 'frameSize').openapi({
  description: 'bytes on the wire, FCS included',
  example: 64,
});
// 400 Gbit/s at 64 bytes is 595 Mpps; these leave room without admitting nonsense.
const pps = (what: string) => amount(what, 1e10);
const micros = (what: string) => amount(what, 1e9);
const cpus = z.array(int(0, 8191, 'CPU')).max(1024, 'at most 1024 CPUs');
const node = int(0, 1023, 'NUMA node').nullable();

const throughputPointSchema = z
  .object({
    frameSize,
    ratePps: pps('ratePps').openapi({ description: 'frames/s without loss (RFC 2544)' }),
    mbps: amount('mbps', 1e7).openapi({ description: 'the same rate in Mbit/s, layer 1' }),
    trials: int(0, 10_000, 'trials'),
    lossRatioAtRate: ratio('lossRatioAtRate').nullable(),
    generatorLimited: z.boolean().openapi({
      description: 'the generator could not send faster: the path may do better',
    }),
  })
  .openapi('DatapathThroughputPoint');

const latencySummarySchema = z
  .object({
    p50Us: micros('p50Us'),
    p90Us: micros('p90Us'),
    p99Us: micros('p99Us'),
    maxUs: micros('maxUs'),
    samples: int(0, 1_000_000_000, 'samples'),
    atPps: pps('atPps').openapi({ description: 'the rate the samples were taken at' }),
  })
  .openapi('DatapathLatency');

const pathReportSchema = z
  .object({
    path: z.enum(DATAPATH_PATHS, `one of ${DATAPATH_PATHS.join(', ')}`),
    skipped: text(500)
      .nullable()
      .openapi({ description: 'why the path was not measured; null when it was' }),
    endpoints: text(200).nullable().openapi({
      description: 'what the two ends were (two VFs of one PF, two VMs); null when skipped',
    }),
    points: z.array(throughputPointSchema).max(MAX_REPORT_POINTS, `at most ${MAX_REPORT_POINTS}`),
    latency: z
      .array(z.object({ frameSize, summary: latencySummarySchema.nullable() }))
      .max(MAX_REPORT_POINTS, `at most ${MAX_REPORT_POINTS}`),
  })
  .openapi('DatapathPathReport');

export const datapathReportSchema = z
  .object({
    host: nameSchema.openapi({ description: 'the host measured: the one the path names' }),
    kernel: text(200).openapi({ example: '6.1.0-28-amd64' }),
    nic: text(200).openapi({ example: 'Intel 82576 (igb)' }),
    driver: text(100).openapi({ example: 'igb' }),
    generator: text(200).openapi({ description: 'the traffic generator and its version' }),
    pinning: z.object({ senderCpus: cpus, receiverCpus: cpus }),
    numa: z.object({ nicNode: node, senderNode: node, receiverNode: node }),
    emulated: z
      .boolean()
      .openapi({ description: 'emulated NICs: the figures say nothing about hardware' }),
    caveat: text(500).nullable(),
    acceptableLoss: ratio('acceptableLoss'),
    trialDurationMs: amount('trialDurationMs', 86_400_000).openapi({
      description: 'how long each trial sent traffic',
    }),
    paths: z
      .array(pathReportSchema)
      .max(MAX_REPORT_PATHS, `at most ${MAX_REPORT_PATHS} paths`)
      .refine((ps) => new Set(ps.map((p) => p.path)).size === ps.length, 'each path at most once'),
    startedAt: z.iso
      .datetime({ offset: true, error: 'an ISO 8601 time like 2030-01-01T00:00:00Z' })
      .openapi({ example: '2030-01-01T00:00:00Z' }),
    durationS: amount('durationS', 1e7),
  })
  .refine((r) => !r.emulated || r.caveat !== null, {
    message: 'an emulated run says what its figures do not show',
    path: ['caveat'],
  })
  .openapi('DatapathReport', {
    description: 'RFC 2544 throughput and latency per datapath on one host (vfleet bench datapath)',
  });

/** What the controller keeps of one upload. */
const storedFields = {
  id: z.number().int().openapi({ description: 'increasing per upload' }),
  host: z.string(),
  createdAt: z.string().openapi({ description: 'when the controller stored it' }),
};

export const datapathReportEntrySchema = z
  .object({ ...storedFields, report: datapathReportSchema })
  .openapi('DatapathReportEntry');

/** A list's item: the report's facts without its figures. */
export const datapathReportSummarySchema = z
  .object({
    ...storedFields,
    startedAt: z.string(),
    kernel: z.string(),
    nic: z.string(),
    driver: z.string(),
    generator: z.string(),
    emulated: z.boolean(),
    measured: z
      .array(z.enum(DATAPATH_PATHS))
      .openapi({ description: 'the paths measured (not skipped)' }),
  })
  .openapi('DatapathReportSummary');

/** A report by its id, under its host's. */
export const datapathReportParam = idParam.extend({
  report: z.coerce
    .number('must be a report id')
    .int('must be a report id')
    .min(1, 'must be a report id')
    .max(2_147_483_647, 'must be a report id')
    .openapi({ param: { name: 'report', in: 'path' }, type: 'integer' }),
});

type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;
/** True when each type is assignable to the other. */
export type MutuallyAssignable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** What the schema gives, in the core's readonly terms. */
export type DatapathReportInput = DeepReadonly<z.output<typeof datapathReportSchema>>;
type Holds<T extends true> = T;
/** Fails to compile when the schema and the core's type part ways. */
export type DatapathReportSchemaMatchesCore = Holds<
  MutuallyAssignable<DatapathReportInput, DatapathReport>
>;
