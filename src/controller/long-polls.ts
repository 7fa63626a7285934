/**
 * One waiting long poll per agent token and host. An agent needs one: it
 * asks again as soon as an answer comes. More from one token are a broken
 * or hostile client, and each waiter re-reads the store whenever its host
 * changes, so 300 of them made every claim on that host re-read it 300
 * times. A new poll replaces the one waiting under its key; the replaced
 * one answers at once (the route says how).
 */
export interface LongPolls {
  /** Registers a poll under `key`, replacing the one waiting there. Call `leave` when it answers. */
  enter(key: string): LongPoll;
  /** Polls waiting now (at most one per key). */
  waiting(): number;
}

export interface LongPoll {
  /** Aborted when a newer poll under the same key replaced this one. */
  readonly replaced: AbortSignal;
  leave(): void;
}

export function createLongPolls(): LongPolls {
  const current = new Map<string, AbortController>();
  return {
    enter(key) {
      current.get(key)?.abort();
      const mine = new AbortController();
      current.set(key, mine);
      return {
        replaced: mine.signal,
        leave() {
          if (current.get(key) === mine) current.delete(key);
        },
      };
    },
    waiting: () => current.size,
  };
}
