import { VfleetError } from '../errors.js';

/**
 * Latency probes are ICMP echoes (busybox's and iputils' `ping`): each reply
 * line carries `time=<ms> ms`, the round trip through the path and back.
 * Lines without one (timeouts, summaries) are not samples.
 */
export function parsePingRtts(output: string): number[] {
  const out: number[] = [];
  for (const m of output.matchAll(/\btime[=<]([0-9]+(?:\.[0-9]+)?) ?ms\b/g)) {
    out.push(Math.round(Number(m[1]) * 1000));
  }
  return out;
}

/** Ethernet + IPv4 + ICMP headers and the FCS: what a frame adds to ping's payload. */
const ICMP_FRAME_OVERHEAD = 14 + 20 + 8 + 4;
/** ping puts its send time in the payload; fewer bytes and it reports no RTT. */
const MIN_PAYLOAD = 16;

/** The `-s` payload that makes each probe a frame of exactly `frameSize` bytes. */
export function pingPayloadBytes(frameSize: number): number {
  const payload = frameSize - ICMP_FRAME_OVERHEAD;
  if (!Number.isInteger(frameSize) || payload < MIN_PAYLOAD) {
    throw new VfleetError(
      'INVALID_INPUT',
      `frame size ${String(frameSize)} is too small for a probe`,
      {
        field: 'frameSize',
      },
    );
  }
  return payload;
}
