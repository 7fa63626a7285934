import { parsePingRtts, pingPayloadBytes } from '../../core/datapath/ping-rtt.js';
import type { NetnsPair } from '../../core/datapath/netns-plan.js';
import { PKTGEN_START, PKTGEN_STOP, pktgenTrial } from '../../core/datapath/pktgen-commands.js';
import { VfleetError } from '../../core/errors.js';
import { writePktgen } from './netns-io.js';
import type { TrialIo } from './pktgen-trial.js';

/** Probes 100 per second: a latency sample every 10 ms. */
const PROBE_INTERVAL_MS = 10;
/** Load starts this long before the first probe, so the path is loaded when probes go. */
const LOAD_LEAD_MS = 200;

/**
 * Round-trip times in µs of `samples` ICMP echoes of `frameSize` bytes,
 * sent while pktgen loads the path at `loadPps` (0: an idle path). The
 * stream must be prepared (prepareStream) for the same frame size.
 */
export async function probeLatency(
  io: TrialIo,
  pair: NetnsPair,
  frameSize: number,
  loadPps: number,
  samples: number,
): Promise<number[]> {
  const { sender, receiver } = pair;
  if (samples === 0) return [];
  const probeMs = samples * PROBE_INTERVAL_MS;
  const deadlineS = Math.ceil(probeMs / 1000) + 2;
  let load: Promise<void> = Promise.resolve();
  if (loadPps >= 1) {
    const frames = Math.round((loadPps * (probeMs + deadlineS * 1000 + LOAD_LEAD_MS)) / 1000);
    for (const c of pktgenTrial(sender.ifname, loadPps, frames))
      await writePktgen(io.runner, sender.netns, c);
    load = writePktgen(io.runner, sender.netns, PKTGEN_START, probeMs * 4 + 60_000);
    void load.catch(() => undefined); // awaited in finally; failing during the sleep must not be unhandled
    await io.clock.sleep(LOAD_LEAD_MS);
  }
  try {
    const args = ['netns', 'exec', sender.netns, 'ping', '-c', String(samples)];
    args.push('-i', String(PROBE_INTERVAL_MS / 1000), '-s', String(pingPayloadBytes(frameSize)));
    args.push('-w', String(deadlineS), receiver.ip);
    const r = await io.runner.run('ip', args, { timeoutMs: deadlineS * 1000 + 10_000 });
    // ping exits 1 when some probe went unanswered: the answered ones still count.
    if (r.exitCode !== 0 && r.exitCode !== 1)
      throw new VfleetError(
        'COMMAND_FAILED',
        `ping in ${sender.netns}: exit ${String(r.exitCode)}: ${r.stderr.trim()}`,
        {
          command: 'ping',
        },
      );
    const out = r.stdout;
    return parsePingRtts(out);
  } finally {
    if (loadPps >= 1) {
      await writePktgen(io.runner, sender.netns, PKTGEN_STOP).catch(() => undefined);
      await load.catch(() => undefined);
    }
  }
}
