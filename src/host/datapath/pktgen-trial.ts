import type { TrialResult } from '../../core/datapath/datapath-report.js';
import type { NetnsPair } from '../../core/datapath/netns-plan.js';
import {
  PKTGEN_START,
  PKTGEN_STOP,
  parsePktgenDevice,
  pktgenStreamSetup,
  pktgenThreadSetup,
  pktgenTrial,
} from '../../core/datapath/pktgen-commands.js';
import type { Clock, CommandRunner } from '../../core/ports.js';
import { readPktgen, unicastRxFrames, writePktgen } from './netns-io.js';

export interface TrialIo {
  readonly runner: CommandRunner;
  readonly clock: Clock;
}

/** Frames still in the receiver's rings when the sender stops; counted after this pause. */
const SETTLE_MS = 300;

/** Puts the sender's netdev on pktgen's thread for `cpu`, sending `frameSize` frames to the receiver. */
export async function prepareStream(
  io: TrialIo,
  pair: NetnsPair,
  frameSize: number,
  cpu: number,
  receiverMac: string,
): Promise<void> {
  const { sender, receiver } = pair;
  const commands = [
    ...pktgenThreadSetup(cpu, sender.ifname),
    ...pktgenStreamSetup({
      device: sender.ifname,
      dstMac: receiverMac,
      srcIp: sender.ip,
      dstIp: receiver.ip,
      frameSize,
    }),
  ];
  for (const c of commands) await writePktgen(io.runner, sender.netns, c);
}

/**
 * Runs pktgen for its count of frames, but no longer than the trial's
 * duration and a little more: a generator slower than the rate asked would
 * otherwise take count/achieved seconds (a minute for a 1 s trial at line
 * rate under emulation). Stopped early, pktgen still reports what it sent
 * and for how long, so the achieved rate reads true.
 */
async function timeBoxedRun(io: TrialIo, netns: string, durationMs: number): Promise<void> {
  const run = writePktgen(io.runner, netns, PKTGEN_START, durationMs * 4 + 60_000);
  const finished = await Promise.race([
    run.then(() => true),
    io.clock.sleep(durationMs * 1.2 + 200).then(() => false),
  ]);
  if (finished) return;
  await writePktgen(io.runner, netns, PKTGEN_STOP);
  await run;
}

/**
 * One RFC 2544 trial: `durationMs` worth of frames at the offered rate,
 * the receiver's unicast count before and after. pktgen's own count and
 * elapsed time say what was really sent, so a generator that fell short is
 * seen as such.
 */
export async function runPktgenTrial(
  io: TrialIo,
  pair: NetnsPair,
  offeredPps: number,
  durationMs: number,
): Promise<TrialResult> {
  const { sender, receiver } = pair;
  const frames = Math.max(1, Math.round((offeredPps * durationMs) / 1000));
  for (const c of pktgenTrial(sender.ifname, offeredPps, frames))
    await writePktgen(io.runner, sender.netns, c);
  const before = await unicastRxFrames(io.runner, receiver.netns, receiver.ifname);
  await timeBoxedRun(io, sender.netns, durationMs);
  await io.clock.sleep(SETTLE_MS);
  const after = await unicastRxFrames(io.runner, receiver.netns, receiver.ifname);
  const run = parsePktgenDevice(await readPktgen(io.runner, sender.netns, sender.ifname));
  return {
    offeredPps,
    sentFrames: run.sentFrames,
    receivedFrames: Math.max(0, after - before),
    durationMs: Math.max(1, run.elapsedUs / 1000),
  };
}
