import type { DatapathBenchOptions } from '../../core/datapath/bench-options.js';
import type {
  FrameLatency,
  PathReport,
  ThroughputPoint,
} from '../../core/datapath/datapath-report.js';
import { summarizeLatency } from '../../core/datapath/latency.js';
import { lineRatePps } from '../../core/datapath/line-rate.js';
import type { NetnsPair } from '../../core/datapath/netns-plan.js';
import { PKTGEN_STOP } from '../../core/datapath/pktgen-commands.js';
import { measureThroughput } from '../../core/datapath/run-search.js';
import { throughputPoint } from '../../core/datapath/throughput-point.js';
import { VfleetError } from '../../core/errors.js';
import type { ProgressSink } from '../../core/ports.js';
import { probeLatency } from './latency-probe.js';
import { runIp, writePktgen } from './netns-io.js';
import { prepareStream, runPktgenTrial, type TrialIo } from './pktgen-trial.js';

export interface PathContext {
  readonly io: TrialIo;
  readonly options: DatapathBenchOptions;
  readonly senderCpu: number;
  /** The search's ceiling: line rate at this speed. */
  readonly linkMbps: number;
  readonly progress: ProgressSink;
  readonly signal: AbortSignal;
}

export const interrupted = (signal: AbortSignal): VfleetError =>
  new VfleetError(
    'TIMEOUT',
    `stopped (${String(signal.reason)}): the run's namespaces and links are removed, the VFs are back on the host`,
    { signal: String(signal.reason) },
  );

const check = (signal: AbortSignal) => {
  if (signal.aborted) throw interrupted(signal);
};

/** How long a failed command waits for the signal that may have killed it. */
const SIGNAL_GRACE_MS = 250;

/**
 * Sets up one path's namespaces, measures it and tears it down, whatever
 * happens. An interrupt wins over the error it caused.
 */
export async function setUpAndMeasure(ctx: PathContext, pair: NetnsPair): Promise<PathReport> {
  ctx.progress({ step: pair.path, status: 'start', detail: pair.description });
  try {
    for (const argv of pair.setup) await runIp(ctx.io.runner, argv);
    return await measurePath(ctx, pair);
  } catch (e) {
    // Ctrl-C reaches the whole process group: a child (pktgen's writer)
    // can die of it before this process hears the signal itself.
    // (A call, not the property: the sleep may change what it reads.)
    const aborted = () => ctx.signal.aborted;
    if (!aborted()) await ctx.io.clock.sleep(SIGNAL_GRACE_MS);
    throw aborted() ? interrupted(ctx.signal) : e;
  } finally {
    for (const argv of pair.teardown) await runIp(ctx.io.runner, argv).catch(() => undefined);
  }
}

/** Tries for the first ping: a VF's link comes up a few seconds after it is set up. */
const REACH_TRIES = 20;

async function waitReachable(ctx: PathContext, pair: NetnsPair): Promise<void> {
  const { sender, receiver } = pair;
  for (let i = 1; ; i++) {
    check(ctx.signal);
    const args = ['netns', 'exec', sender.netns, 'ping', '-c', '1', '-w', '1', receiver.ip];
    // A ping that hangs (a link still coming up) is one more failed try.
    const r = await ctx.io.runner.run('ip', args, { timeoutMs: 10_000 }).catch(() => null);
    if (r?.exitCode === 0) return;
    if (i === REACH_TRIES)
      throw new VfleetError(
        'COMMAND_FAILED',
        `${receiver.ifname} did not answer ${sender.ifname} for ${String(REACH_TRIES)} s: ${pair.description}`,
        { path: pair.path },
      );
    await ctx.io.clock.sleep(1000);
  }
}

async function macOf(ctx: PathContext, netns: string, ifname: string): Promise<string> {
  const out = await runIp(ctx.io.runner, ['-n', netns, '-j', 'link', 'show', 'dev', ifname]);
  const address = (JSON.parse(out) as { address?: unknown }[])[0]?.address;
  if (typeof address !== 'string')
    throw new VfleetError('HOST_READ_FAILED', `${ifname}: no MAC address`, { field: 'address' });
  return address;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function measureSize(ctx: PathContext, pair: NetnsPair, size: number, mac: string) {
  const { io, options } = ctx;
  await prepareStream(io, pair, size, ctx.senderCpu, mac);
  const maxPps = lineRatePps(ctx.linkMbps, size);
  const step = `${pair.path} ${String(size)} B`;
  const result = await measureThroughput(
    (rate) => {
      check(ctx.signal);
      return runPktgenTrial(io, pair, rate, options.trialDurationMs);
    },
    {
      // Down to 1/100,000 of line rate (15 frames/s at 1 Gbit/s and 64 bytes):
      // a VM's software path under emulation carries a few hundred.
      minPps: Math.max(1, Math.floor(maxPps / 100_000)),
      maxPps,
      maxTrials: options.maxTrials,
      acceptableLoss: options.acceptableLoss,
    },
    ({ trial, measured }) => {
      const lost =
        measured.lossRatio > 0 ? `lost ${(measured.lossRatio * 100).toFixed(2)}%` : 'no loss';
      ctx.progress({
        step,
        status: 'info',
        detail: `trial ${String(trial)}: ${fmt((measured.sentFrames * 1000) / measured.durationMs)} pps sent (${fmt(measured.offeredPps)} asked), ${lost}`,
      });
    },
  );
  const point: ThroughputPoint = throughputPoint(size, result);
  check(ctx.signal);
  const loadPps = Math.floor(point.ratePps * options.latencyLoad);
  const samples =
    point.ratePps >= 1 ? await probeLatency(io, pair, size, loadPps, options.latencySamples) : [];
  const latency: FrameLatency = { frameSize: size, summary: summarizeLatency(samples, loadPps) };
  const p99 =
    latency.summary === null ? 'no latency sample' : `p99 ${fmt(latency.summary.p99Us)} µs`;
  const limited = point.generatorLimited ? ' (generator-limited)' : '';
  ctx.progress({
    step,
    status: 'ok',
    detail: `${fmt(point.ratePps)} pps, ${point.mbps.toFixed(1)} Mbit/s${limited}, ${p99}`,
  });
  return { point, latency };
}

/**
 * Measures one path whose namespaces are set up: waits until the receiver
 * answers, then per frame size the RFC 2544 throughput and the latency
 * under load. On an interrupt the running pktgen is stopped at once.
 */
export async function measurePath(ctx: PathContext, pair: NetnsPair): Promise<PathReport> {
  const stop = () =>
    void writePktgen(ctx.io.runner, pair.sender.netns, PKTGEN_STOP).catch(() => undefined);
  ctx.signal.addEventListener('abort', stop);
  try {
    await waitReachable(ctx, pair);
    const mac = pair.gatewayMac ?? (await macOf(ctx, pair.receiver.netns, pair.receiver.ifname));
    const points: ThroughputPoint[] = [];
    const latency: FrameLatency[] = [];
    for (const size of ctx.options.frameSizes) {
      check(ctx.signal);
      const m = await measureSize(ctx, pair, size, mac);
      points.push(m.point);
      latency.push(m.latency);
    }
    return { path: pair.path, skipped: null, endpoints: pair.description, points, latency };
  } finally {
    ctx.signal.removeEventListener('abort', stop);
  }
}
