import { VfleetError } from '../errors.js';

/**
 * Bytes each Ethernet frame occupies on the wire beyond itself: 7 of
 * preamble, 1 start-of-frame delimiter and a 12-byte inter-frame gap. Line
 * rate is counted with them, or 64-byte frames would seem to reach only 76%
 * of the link.
 */
export const WIRE_OVERHEAD_BYTES = 20;

function checkFrame(frameSize: number): void {
  if (!Number.isInteger(frameSize) || frameSize <= 0) {
    throw new VfleetError('INVALID_INPUT', `frame size ${String(frameSize)} is not a byte count`, {
      field: 'frameSize',
    });
  }
}

/**
 * Whole frames per second a link of `linkMbps` carries at `frameSize`
 * (rounded down: a fraction of a frame is never sent). 10 Gbit/s at 64 bytes
 * is 14,880,952 pps.
 */
export function lineRatePps(linkMbps: number, frameSize: number): number {
  checkFrame(frameSize);
  if (!Number.isFinite(linkMbps) || linkMbps <= 0) {
    throw new VfleetError('INVALID_INPUT', `link speed ${String(linkMbps)} Mbit/s is not a speed`, {
      field: 'linkMbps',
    });
  }
  return Math.floor((linkMbps * 1e6) / ((frameSize + WIRE_OVERHEAD_BYTES) * 8));
}

/**
 * Mbit/s on the wire (layer 1) of `pps` frames of `frameSize`: the figure
 * comparable with the link's speed, the one the report's `mbps` holds.
 */
export function wireMbps(pps: number, frameSize: number): number {
  checkFrame(frameSize);
  return (pps * (frameSize + WIRE_OVERHEAD_BYTES) * 8) / 1e6;
}
