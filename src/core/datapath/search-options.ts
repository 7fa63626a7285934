import { VfleetError } from '../errors.js';

export interface SearchOptions {
  /** The lowest rate worth trying; when it loses too, the throughput is 0. */
  readonly minPps: number;
  /** Where the search starts: the line rate (`lineRatePps`). */
  readonly maxPps: number;
  /** Stop once the highest pass and the lowest fail are this close, in pps. */
  readonly resolutionPps?: number;
  /**
   * The same as a fraction of `maxPps` (0.001: 0.1% of line rate). With
   * both, the coarser wins; with neither, 0.1%. Never finer than 1 pps: the
   * generator is asked for whole frames per second.
   */
  readonly relativeResolution?: number;
  /** Loss ratio a trial may show and still pass; 0 (the default) is RFC 2544's. */
  readonly acceptableLoss?: number;
  /** Trials at most; the search reports `max-trials` when it had to stop there. Default 30. */
  readonly maxTrials?: number;
  /**
   * How far short of the asked rate the generator may fall before the search
   * calls it generator-limited and caps its ceiling (default 0.01): small
   * shortfalls are timer granularity, and the trial's rate is the achieved
   * one either way.
   */
  readonly generatorTolerance?: number;
}

export interface SearchSettings {
  readonly minPps: number;
  readonly maxPps: number;
  readonly resolutionPps: number;
  readonly acceptableLoss: number;
  readonly maxTrials: number;
  readonly generatorTolerance: number;
}

const DEFAULT_RELATIVE_RESOLUTION = 0.001;

function check(ok: boolean, field: string, value: unknown, what: string): void {
  if (!ok) {
    throw new VfleetError('INVALID_INPUT', `search: ${field} ${String(value)} ${what}`, {
      field,
    });
  }
}

const fraction = (v: number) => Number.isFinite(v) && v >= 0 && v < 1;

export function resolveSearchOptions(o: SearchOptions): SearchSettings {
  check(Number.isFinite(o.maxPps) && o.maxPps >= 1, 'maxPps', o.maxPps, 'is not a rate');
  check(
    Number.isFinite(o.minPps) && o.minPps >= 1 && o.minPps <= o.maxPps,
    'minPps',
    o.minPps,
    'is not a rate between 1 and maxPps',
  );
  const { resolutionPps, relativeResolution, acceptableLoss = 0, maxTrials = 30 } = o;
  const { generatorTolerance = 0.01 } = o;
  if (resolutionPps !== undefined) {
    check(
      Number.isFinite(resolutionPps) && resolutionPps > 0,
      'resolutionPps',
      resolutionPps,
      'is not a positive rate',
    );
  }
  if (relativeResolution !== undefined) {
    const ok = relativeResolution > 0 && relativeResolution < 1;
    check(ok, 'relativeResolution', relativeResolution, 'is not a fraction in (0, 1)');
  }
  check(fraction(acceptableLoss), 'acceptableLoss', acceptableLoss, 'is not a ratio in [0, 1)');
  check(fraction(generatorTolerance), 'generatorTolerance', generatorTolerance, 'is not in [0, 1)');
  check(Number.isSafeInteger(maxTrials) && maxTrials >= 1, 'maxTrials', maxTrials, 'is not >= 1');
  const relative =
    relativeResolution ?? (resolutionPps === undefined ? DEFAULT_RELATIVE_RESOLUTION : 0);
  return {
    minPps: o.minPps,
    maxPps: o.maxPps,
    resolutionPps: Math.max(1, resolutionPps ?? 0, relative * o.maxPps),
    acceptableLoss,
    maxTrials,
    generatorTolerance,
  };
}
