import type { LiveAnswer, LiveEffect } from './live-migration-effects.js';
import { advanceLiveMigration, type LiveMigrationState } from './live-migration-machine.js';

/**
 * Answers the effect a migration waits for: a VF claim made, an agent's
 * task done or failed; null while the answer is not there yet (a task an
 * agent has not run). `state` is the one waiting, for the step it is at.
 */
export type LiveEffectAnswerer = (
  effect: LiveEffect,
  state: LiveMigrationState,
) => Promise<LiveAnswer | null>;

/** Keeps each next state (the migration's row); false: stop here (the lease is lost). */
export type LiveStateKeeper = (state: LiveMigrationState) => Promise<boolean>;

const keepAll: LiveStateKeeper = () => Promise.resolve(true);

/**
 * Feeds the state machine the answers to its effects until it ends, an
 * answer is not there yet, or `keep` says stop: the one loop that runs a
 * live migration, in the controller's reconciler and against a test's
 * world alike. Returns the last state kept (`pending` null once it ended),
 * or null when `keep` refused one.
 */
export async function runLiveMigration(
  state: LiveMigrationState,
  answer: LiveEffectAnswerer,
  keep: LiveStateKeeper = keepAll,
): Promise<LiveMigrationState | null> {
  let s = state;
  while (s.pending !== null) {
    const a = await answer(s.pending, s);
    if (a === null) return s;
    s = advanceLiveMigration(s, a);
    if (!(await keep(s))) return null;
  }
  return s;
}
