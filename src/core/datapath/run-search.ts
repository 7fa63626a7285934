import type { TrialResult } from './datapath-report.js';
import type { MeasuredTrial } from './search-trial.js';
import {
  nextRate,
  recordTrial,
  searchResult,
  startSearch,
  type SearchOptions,
  type SearchResult,
  type SearchState,
} from './throughput-search.js';

/** Runs one trial at a rate: the generator and the counters, injected by the caller. */
export type RunTrial = (offeredPps: number) => Promise<TrialResult>;

export interface SearchProgress {
  /** 1 for the first trial. */
  readonly trial: number;
  readonly measured: MeasuredTrial;
  /** The rate tried next; null when this was the last trial. */
  readonly nextPps: number | null;
  readonly state: SearchState;
}

/**
 * Drives the search to its end with trials run one after the other (two at
 * once would share the path and the CPUs and measure each other). The only
 * async code of the search: everything impure is in `runTrial`, which may
 * throw to stop it (Ctrl-C, a generator that died); the throw is passed on
 * unchanged for the caller's cleanup.
 */
export async function measureThroughput(
  runTrial: RunTrial,
  options: SearchOptions,
  onProgress?: (progress: SearchProgress) => void,
): Promise<SearchResult> {
  let state = startSearch(options);
  for (let rate = nextRate(state); rate !== null;) {
    state = recordTrial(state, await runTrial(rate));
    rate = nextRate(state);
    const measured = state.trials.at(-1);
    if (measured !== undefined) {
      onProgress?.({ trial: state.trials.length, measured, nextPps: rate, state });
    }
  }
  return searchResult(state);
}
