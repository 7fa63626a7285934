import { VfleetError } from '../errors.js';
import { DATAPATH_PATHS, FRAME_SIZES, type DatapathPath } from './datapath-report.js';
import { MAX_FRAME_SIZE, MIN_FRAME_SIZE } from './pktgen-commands.js';

/** What one `vfleet bench datapath` run measures, validated. */
export interface DatapathBenchOptions {
  readonly paths: readonly DatapathPath[];
  readonly frameSizes: readonly number[];
  readonly trialDurationMs: number;
  readonly maxTrials: number;
  readonly acceptableLoss: number;
  /** Latency is measured under load at this fraction of the throughput rate. */
  readonly latencyLoad: number;
  readonly latencySamples: number;
  /** Through a forwarding VM (libvirt), between namespaces, or the VM where libvirt answers. */
  readonly via: BenchVia;
  readonly vm: ForwarderOptions;
}

export const BENCH_VIAS = ['auto', 'vm', 'netns'] as const;
export type BenchVia = (typeof BENCH_VIAS)[number];

/** The forwarding VM's size, and the kernel it boots. */
export interface ForwarderOptions {
  readonly vcpus: number;
  readonly memoryMiB: number;
  /** null: the running kernel's `/boot/vmlinuz-<release>`. */
  readonly kernel: string | null;
}

/** The options as the command line gives them: text, unset when not given. */
export interface RawBenchOptions {
  readonly paths?: string;
  readonly frameSizes?: string;
  readonly duration?: string;
  readonly maxTrials?: string;
  readonly acceptableLoss?: string;
  readonly latencyLoad?: string;
  readonly latencySamples?: string;
  readonly via?: string;
  readonly vmVcpus?: string;
  readonly vmMemory?: string;
  readonly guestKernel?: string;
}

const bad = (field: string, message: string) =>
  new VfleetError('INVALID_INPUT', `--${field}: ${message}`, { field });

function list(text: string, field: string): string[] {
  const items = text.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw bad(field, `"${text}" has an empty item`);
  if (new Set(items).size !== items.length) throw bad(field, `"${text}" names an item twice`);
  return items;
}

function number(text: string | undefined, field: string, dflt: number, min: number, max: number) {
  if (text === undefined) return dflt;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < min || v > max)
    throw bad(field, `"${text}" is not a number from ${String(min)} to ${String(max)}`);
  return v;
}

function count(text: string | undefined, field: string, dflt: number, min: number, max: number) {
  if (text !== undefined && !/^\d+$/.test(text.trim()))
    throw bad(field, `"${text}" is not a whole number from ${String(min)} to ${String(max)}`);
  return number(text, field, dflt, min, max);
}

function via(text: string | undefined): BenchVia {
  if (text === undefined) return 'auto';
  const v = BENCH_VIAS.find((b) => b === text);
  if (v === undefined) throw bad('via', `"${text}" is not one of ${BENCH_VIAS.join(', ')}`);
  return v;
}

function kernelPath(text: string | undefined): string | null {
  if (text === undefined) return null;
  if (!text.startsWith('/') || text.split('/').includes('..'))
    throw bad('guest-kernel', `"${text}" is not an absolute path`);
  return text;
}

const isPath = (s: string): s is DatapathPath => (DATAPATH_PATHS as readonly string[]).includes(s);

/**
 * Defaults: every path and RFC 2544's seven frame sizes; 10 s trials (RFC
 * 2544 asks 60 s; a shorter trial finds the same knee on most paths and
 * keeps a full run near a quarter of an hour per path); latency at 90% of
 * the throughput rate, where a path is loaded but not dropping.
 */
export function resolveBenchOptions(raw: RawBenchOptions): DatapathBenchOptions {
  const paths = raw.paths === undefined ? [...DATAPATH_PATHS] : list(raw.paths, 'paths');
  const unknown = paths.find((p) => !isPath(p));
  if (unknown !== undefined)
    throw bad('paths', `"${unknown}" is not a path (${DATAPATH_PATHS.join(', ')})`);
  const sizes =
    raw.frameSizes === undefined
      ? [...FRAME_SIZES]
      : list(raw.frameSizes, 'frame-sizes').map((s) => {
          const n = Number(s);
          if (!/^\d+$/.test(s) || n < MIN_FRAME_SIZE || n > MAX_FRAME_SIZE)
            throw bad(
              'frame-sizes',
              `"${s}" is not a frame size from ${String(MIN_FRAME_SIZE)} to ${String(MAX_FRAME_SIZE)} bytes`,
            );
          return n;
        });
  return {
    // In the seeds' order, whatever order they were asked in.
    paths: DATAPATH_PATHS.filter((p) => paths.includes(p)),
    frameSizes: sizes.toSorted((a, b) => a - b),
    trialDurationMs: Math.round(number(raw.duration, 'duration', 10, 0.1, 600) * 1000),
    maxTrials: count(raw.maxTrials, 'max-trials', 30, 1, 100),
    acceptableLoss: number(raw.acceptableLoss, 'acceptable-loss', 0, 0, 0.5),
    latencyLoad: number(raw.latencyLoad, 'latency-load', 0.9, 0, 1),
    latencySamples: count(raw.latencySamples, 'latency-samples', 100, 0, 10_000),
    via: via(raw.via),
    vm: {
      vcpus: count(raw.vmVcpus, 'vm-vcpus', 2, 1, 64),
      memoryMiB: count(raw.vmMemory, 'vm-memory', 512, 128, 65_536),
      kernel: kernelPath(raw.guestKernel),
    },
  };
}
