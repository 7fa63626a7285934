import { VfleetError } from '../errors.js';

/**
 * The kernel's packet generator (`pktgen`) as text commands. pktgen reads
 * one command per write(2) to a file under `/proc/net/pktgen` (a thread
 * file `kpktgend_N`, a device file named after the netdev, or `pgctrl`), so
 * each command here is one write for the adapter; the files live in the
 * writer's network namespace.
 */
export interface PktgenCommand {
  /** File name under /proc/net/pktgen. */
  readonly file: string;
  readonly command: string;
}

/** One stream: UDP frames from the sender's netdev to the receiver's MAC and address. */
export interface PktgenStream {
  readonly device: string;
  readonly dstMac: string;
  readonly srcIp: string;
  readonly dstIp: string;
  /** Ethernet frame size counting the FCS, as RFC 2544 counts it. */
  readonly frameSize: number;
}

/** UDP discard: the receiver's stack drops the frames after counting them. */
const UDP_PORT = 9;
/** Ethernet's smallest frame; pktgen's own header fits in it. */
export const MIN_FRAME_SIZE = 64;
/** Ethernet's largest untagged frame at the standard MTU: jumbo frames are not measured. */
export const MAX_FRAME_SIZE = 1518;

/** The per-CPU thread file that sends from `device`: pinned to that CPU by the kernel. */
export function pktgenThreadSetup(cpu: number, device: string): PktgenCommand[] {
  const file = `kpktgend_${String(cpu)}`;
  return [
    { file, command: 'rem_device_all' },
    { file, command: `add_device ${device}` },
  ];
}

/** The stream's fixed settings; the rate and count come per trial. */
export function pktgenStreamSetup(s: PktgenStream): PktgenCommand[] {
  if (
    !Number.isInteger(s.frameSize) ||
    s.frameSize < MIN_FRAME_SIZE ||
    s.frameSize > MAX_FRAME_SIZE
  )
    throw new VfleetError(
      'INVALID_INPUT',
      `frame size ${String(s.frameSize)} is not an integer from ${String(MIN_FRAME_SIZE)} to ${String(MAX_FRAME_SIZE)}`,
      { field: 'frameSize' },
    );
  const d = (command: string): PktgenCommand => ({ file: s.device, command });
  return [
    // pkt_size excludes the FCS the NIC appends.
    d(`pkt_size ${String(s.frameSize - 4)}`),
    d(`dst ${s.dstIp}`),
    d(`src_min ${s.srcIp}`),
    d(`src_max ${s.srcIp}`),
    d(`dst_mac ${s.dstMac}`),
    d(`udp_src_min ${String(UDP_PORT)}`),
    d(`udp_src_max ${String(UDP_PORT)}`),
    d(`udp_dst_min ${String(UDP_PORT)}`),
    d(`udp_dst_max ${String(UDP_PORT)}`),
    // A new skb per frame: macvlan and other virtual devices refuse shared skbs.
    d('clone_skb 0'),
  ];
}

/** A trial: `frames` frames at `ratePps` (pktgen spaces them by 1/rate). */
export function pktgenTrial(device: string, ratePps: number, frames: number): PktgenCommand[] {
  const rate = Math.max(1, Math.floor(ratePps));
  // count 0 would mean "forever"; a trial always ends by itself.
  const count = Math.max(1, Math.floor(frames));
  return [
    { file: device, command: `count ${String(count)}` },
    { file: device, command: `ratep ${String(rate)}` },
  ];
}

/** Runs every configured thread; the write returns when all have sent their count. */
export const PKTGEN_START: PktgenCommand = { file: 'pgctrl', command: 'start' };
export const PKTGEN_STOP: PktgenCommand = { file: 'pgctrl', command: 'stop' };

/** What a device file says after a run. */
export interface PktgenRun {
  readonly sentFrames: number;
  readonly elapsedUs: number;
  readonly errors: number;
}

/**
 * Reads `pkts-sofar` and the `Result: OK: <usec>(...) usec` line of a
 * device file. A run that did not start (`Result: Idle`, or an error the
 * kernel wrote there) is the generator's failure, said in its own words.
 */
export function parsePktgenDevice(text: string): PktgenRun {
  const sent = /pkts-sofar:\s*(\d+)\s+errors:\s*(\d+)/.exec(text);
  const result = /^Result:\s*(.*)$/m.exec(text);
  const ok = /^OK:\s*(\d+)\(/.exec(result?.[1] ?? '');
  if (sent === null || ok === null) {
    throw new VfleetError(
      'COMMAND_FAILED',
      `pktgen did not report a run: ${result?.[1]?.trim() ?? 'no Result line'}`,
      { field: 'pktgen' },
    );
  }
  return { sentFrames: Number(sent[1]), errors: Number(sent[2]), elapsedUs: Number(ok[1]) };
}
