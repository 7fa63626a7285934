import { VfleetError } from '../errors.js';
import type { TrialResult } from './datapath-report.js';

/** A trial with what the search reads from it. */
export interface MeasuredTrial extends TrialResult {
  /**
   * The rate the trial stands for: the offered rate, or the rate the
   * generator actually sent when that was lower, so that no pass is ever
   * credited with a rate that was never on the wire.
   */
  readonly ratePps: number;
  /** (sent − received) / sent, never below 0: stray frames counted by the receiver are no gain. */
  readonly lossRatio: number;
  readonly passed: boolean;
  /** The generator sent less than `1 − generatorTolerance` of the frames it was asked for. */
  readonly generatorShort: boolean;
}

function bad(field: string, message: string): VfleetError {
  return new VfleetError('INVALID_INPUT', `trial: ${field} ${message}`, { field });
}

function checkTrial(t: TrialResult): void {
  if (!(Number.isFinite(t.offeredPps) && t.offeredPps > 0)) {
    throw bad('offeredPps', `${String(t.offeredPps)} is not a positive rate`);
  }
  if (!(Number.isFinite(t.durationMs) && t.durationMs > 0)) {
    throw bad('durationMs', `${String(t.durationMs)} is not a positive duration`);
  }
  for (const field of ['sentFrames', 'receivedFrames'] as const) {
    if (!Number.isSafeInteger(t[field]) || t[field] < 0) {
      throw bad(field, `${String(t[field])} is not a frame count`);
    }
  }
  if (t.sentFrames === 0) {
    // Nothing sent says nothing about the device: the generator failed, and
    // recording it as a loss would drive the search to 0.
    throw new VfleetError(
      'COMMAND_FAILED',
      `the traffic generator sent no frames at ${String(t.offeredPps)} pps`,
      { offeredPps: t.offeredPps },
    );
  }
}

/**
 * Reads one trial: its loss, whether it passes (loss ratio at most
 * `acceptableLoss`; 0 is RFC 2544's rule that every frame sent comes back),
 * and the rate it actually measured.
 */
export function measureTrial(
  trial: TrialResult,
  acceptableLoss: number,
  generatorTolerance: number,
): MeasuredTrial {
  checkTrial(trial);
  const achievedPps = (trial.sentFrames * 1000) / trial.durationMs;
  const lost = Math.max(0, trial.sentFrames - trial.receivedFrames);
  const lossRatio = lost / trial.sentFrames;
  return {
    ...trial,
    ratePps: Math.min(trial.offeredPps, achievedPps),
    lossRatio,
    passed: lossRatio <= acceptableLoss,
    generatorShort: achievedPps < trial.offeredPps * (1 - generatorTolerance),
  };
}
