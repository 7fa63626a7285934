import type { TrialResult } from './datapath-report.js';

/**
 * A path with a known loss curve behind a generator with a known top speed:
 * what the search's tests (and a dry run) measure instead of a NIC.
 * Deterministic, so a failing case replays exactly.
 */
export interface SimulatedDevice {
  /** Loss ratio (0..1) of the device at a rate actually sent. */
  readonly lossAt: (pps: number) => number;
  /** The generator's top speed; it sends min(offered, this). */
  readonly generatorMaxPps?: number;
  readonly durationMs?: number;
}

/** A device that loses nothing up to `thresholdPps` and `lossAbove` beyond it. */
export const thresholdDevice =
  (thresholdPps: number, lossAbove = 0.05) =>
  (pps: number): number =>
    pps <= thresholdPps ? 0 : lossAbove;

export function simulateTrial(device: SimulatedDevice, offeredPps: number): TrialResult {
  const durationMs = device.durationMs ?? 1000;
  const sentPps = Math.min(offeredPps, device.generatorMaxPps ?? Infinity);
  const sentFrames = Math.round((sentPps * durationMs) / 1000);
  // Loss is judged at the rate the frames were really sent at, as a device would see them.
  const lost = Math.round(sentFrames * device.lossAt((sentFrames * 1000) / durationMs));
  return { offeredPps, sentFrames, receivedFrames: sentFrames - lost, durationMs };
}
