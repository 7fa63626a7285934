import type { TrialResult } from './datapath-report.js';
import { resolveSearchOptions, type SearchOptions, type SearchSettings } from './search-options.js';
import { measureTrial, type MeasuredTrial } from './search-trial.js';

export { lineRatePps } from './line-rate.js';
export type { SearchOptions } from './search-options.js';

/**
 * RFC 2544 throughput (section 26.1) as a step machine: the caller asks
 * `nextRate`, runs the trial however it likes, and hands the counts to
 * `recordTrial`. No I/O and no timers here, so the search is tested against
 * simulated devices and the lab's drivers reuse it unchanged.
 *
 * The state is the settings and every trial so far; everything else is
 * derived from them, so a state can be stored, replayed or shown as is.
 */
export interface SearchState {
  readonly settings: SearchSettings;
  readonly trials: readonly MeasuredTrial[];
}

export type SearchOutcome =
  /** The highest pass and the lowest fail (or the ceiling) are within the resolution. */
  | 'converged'
  /** Even the lowest rate lost frames: the throughput is 0. */
  | 'no-lossless-rate'
  /** Stopped at `maxTrials` before converging: the rate is a lower bound. */
  | 'max-trials'
  /** `nextRate` still has a rate to try. */
  | 'unfinished';

export interface SearchResult {
  /** The throughput in frames/s (the rule on `bracket`); 0 when no rate passed. */
  readonly ratePps: number;
  readonly lossRatioAtRate: number | null;
  readonly trials: number;
  readonly outcome: SearchOutcome;
  /**
   * The generator, not the path, set the figure: it fell clearly short of
   * some rate asked and the path never lost a frame, so the path may do more.
   * (A generator that fell short above a rate where the path lost frames did
   * not limit the figure: the path did.)
   */
  readonly generatorLimited: boolean;
  /** The highest rate the generator could be held to (maxPps when it never fell short). */
  readonly ceilingPps: number;
  /** A pass above a fail was seen and not credited. */
  readonly nonMonotonic: boolean;
}

export function startSearch(options: SearchOptions): SearchState {
  return { settings: resolveSearchOptions(options), trials: [] };
}

export function recordTrial(state: SearchState, trial: TrialResult): SearchState {
  const { acceptableLoss, generatorTolerance } = state.settings;
  const measured = measureTrial(trial, acceptableLoss, generatorTolerance);
  return { settings: state.settings, trials: [...state.trials, measured] };
}

interface Bracket {
  /** The credited pass: the highest pass below every fail. */
  readonly best: MeasuredTrial | null;
  readonly lowestFail: number | null;
  readonly ceiling: number;
  readonly floor: number;
  readonly nonMonotonic: boolean;
}

/**
 * Where the search stands. The rule for devices that are not monotonic (a
 * pass above a fail, from flaky software paths or a generator that fell
 * short): a pass counts only when no trial at or below its rate lost frames.
 * So the throughput is the highest rate such that every rate tried up to it
 * passed, the conservative reading of RFC 2544's "maximum rate at which none
 * of the offered frames are dropped".
 */
function bracket({ settings, trials }: SearchState): Bracket {
  let lowestFail: number | null = null;
  let ceiling = settings.maxPps;
  for (const t of trials) {
    if (!t.passed) lowestFail = Math.min(lowestFail ?? t.ratePps, t.ratePps);
    // Never ask again for more than the generator showed it can send.
    if (t.generatorShort) ceiling = Math.min(ceiling, t.ratePps);
  }
  let best: MeasuredTrial | null = null;
  let nonMonotonic = false;
  for (const t of trials) {
    if (!t.passed) continue;
    if (lowestFail !== null && t.ratePps >= lowestFail) nonMonotonic = true;
    else if (best === null || t.ratePps > best.ratePps) best = t;
  }
  return { best, lowestFail, ceiling, floor: Math.min(settings.minPps, ceiling), nonMonotonic };
}

/** Frames per second the lowest failing trial got through (rounded down) when it lost over half; else 0. */
function carriedPps(trials: readonly MeasuredTrial[], lowestFail: number): number {
  const t = trials.find((x) => !x.passed && x.ratePps === lowestFail);
  return t === undefined || t.lossRatio <= 0.5
    ? 0
    : Math.floor((t.receivedFrames * 1000) / t.durationMs);
}

/** The rate to try next, or null when the search is done (or must stop). */
export function nextRate(state: SearchState): number | null {
  const { settings, trials } = state;
  if (trials.length >= settings.maxTrials) return null;
  const { best, lowestFail, ceiling, floor } = bracket(state);
  const res = settings.resolutionPps;
  let rate: number;
  if (lowestFail === null) {
    // Nothing lost yet: try the top, which is where RFC 2544 starts.
    if (best !== null && ceiling - best.ratePps <= res) return null;
    rate = Math.floor(ceiling);
  } else if (best === null) {
    if (lowestFail <= floor) return null;
    // Within a resolution of the floor, the floor itself decides between it and 0.
    rate = lowestFail - floor <= res ? floor : Math.round((floor + lowestFail) / 2);
    // A trial that lost most of its frames still shows what the path carried
    // under that load: its knee is near there, far below half the rate.
    // Tried next, it saves the halvings a path carrying a small part of line
    // rate would take (a VM's software path: 17 trials to come down from
    // 1.5 Mpps to 1,000 pps). A path that lost less than half is halved.
    const carried = carriedPps(trials, lowestFail);
    if (carried > floor) rate = carried;
  } else {
    const top = Math.min(lowestFail, ceiling);
    if (top - best.ratePps <= res) return null;
    rate = Math.round((best.ratePps + top) / 2);
    // Above a pass taken from what an overloaded path carried, the knee is
    // near: doubling brackets it sooner than halving down from line rate.
    if (carriedPps(trials, lowestFail) > 0) rate = Math.min(rate, best.ratePps * 2);
  }
  // A rate asked before would only repeat itself: the generator cannot place
  // a finer one (it falls a little short of each), so the search is done.
  return trials.some((t) => t.offeredPps === rate) ? null : rate;
}

export function searchResult(state: SearchState): SearchResult {
  const { best, lowestFail, ceiling, nonMonotonic } = bracket(state);
  const stopped = state.trials.length >= state.settings.maxTrials;
  // What the search would still try without its trial limit.
  const pending = nextRate({ ...state, settings: { ...state.settings, maxTrials: Infinity } });
  let outcome: SearchOutcome = best === null ? 'no-lossless-rate' : 'converged';
  if (pending !== null) outcome = stopped ? 'max-trials' : 'unfinished';
  return {
    ratePps: best?.ratePps ?? 0,
    lossRatioAtRate: best?.lossRatio ?? null,
    trials: state.trials.length,
    outcome,
    generatorLimited: lowestFail === null && state.trials.some((t) => t.generatorShort),
    ceilingPps: ceiling,
    nonMonotonic,
  };
}
