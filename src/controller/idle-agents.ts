import type { ControllerDeps } from './controller-deps.js';
import { createDesiredReads, type DesiredReads } from './desired-reads.js';
import { createNoticeMemo, type NoticeMemo } from './notice-memo.js';
import { createSeenBuffer, type SeenBuffer } from './seen-buffer.js';

/** How often heartbeats answered from memory write their hosts' last_seen. */
export const SEEN_FLUSH_MS = 1_000;

/**
 * What lets an idle agent cost the controller almost nothing: the digest
 * of each host's held report and its desired generation, remembered until
 * a notice for the host (notice-memo.ts), and last_seen written in batches.
 * One per controller process (its routes).
 */
export interface IdleAgents {
  readonly digests: NoticeMemo<string>;
  readonly generations: NoticeMemo<number>;
  readonly seen: SeenBuffer;
  /** When a poll must read after all, its read joins the others of the same moment. */
  readonly reads: DesiredReads;
}

export function createIdleAgents(deps: ControllerDeps): IdleAgents {
  const seen = createSeenBuffer({
    write: (s) => deps.store.hosts.writeSightings(s),
    everyMs: SEEN_FLUSH_MS,
    log: (line) => deps.logger?.log('warn', line),
  });
  // What is gathered is written before the store closes (shutdown waits for outliving work).
  deps.stopping?.signal.addEventListener('abort', () => deps.outliving?.(seen.close()), {
    once: true,
  });
  return {
    digests: createNoticeMemo<string>(deps.feed),
    generations: createNoticeMemo<number>(deps.feed),
    seen,
    reads: createDesiredReads(deps.store),
  };
}
