import type { Sighting } from '../core/fleet/host-store.js';

/**
 * Heartbeats answered from memory (record-heartbeat.ts) still move the
 * host's last_seen, but in batches: one statement every `everyMs` for all
 * hosts heard from meanwhile, each with the time it was heard. A sighting
 * reaches the store at most `everyMs` (plus one write) late: far inside
 * staleAfterMs (2 minutes), and the fleet view's seen sweep reads 2 s back
 * from the newest sighting it saw (fleet-view.ts), while batches commit in
 * the order they were gathered, so none is skipped.
 */
export interface SeenBuffer {
  seen(id: string, at: string): void;
  /** Writes what was gathered (and what a failed write left); resolves when written. */
  flush(): Promise<void>;
  /** Stops the timer and writes what is left. */
  close(): Promise<void>;
}

export function createSeenBuffer(o: {
  readonly write: (sightings: readonly Sighting[]) => Promise<void>;
  readonly everyMs: number;
  readonly log: (line: string) => void;
}): SeenBuffer {
  let gathered = new Map<string, string>();
  let writing: Promise<void> = Promise.resolve();
  const flush = () => {
    // One write at a time, in order: a later sighting never lands before an earlier one.
    writing = writing.then(async () => {
      if (gathered.size === 0) return;
      const batch = gathered;
      gathered = new Map();
      try {
        await o.write([...batch].map(([id, at]) => ({ id, at })));
      } catch (e) {
        // Kept for the next write, unless a newer sighting of the host came meanwhile.
        for (const [id, at] of batch) if (!gathered.has(id)) gathered.set(id, at);
        o.log(`last_seen write of ${String(batch.size)} hosts failed: ${String(e)}`);
      }
    });
    return writing;
  };
  const timer = setInterval(() => void flush(), o.everyMs);
  timer.unref();
  return {
    seen(id, at) {
      gathered.set(id, at);
    },
    flush,
    close() {
      clearInterval(timer);
      return flush();
    },
  };
}
