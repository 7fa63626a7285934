import type { ChangeFeed } from './change-feed.js';

/**
 * What this controller last read of each host (its desired generation, the
 * digest of the report it holds), kept while no notice for the host came:
 * the store publishes one on commit of every change that could alter it
 * (schema 0009 and 0016: the host id, `sched:HOST`), to every controller on
 * the database, and notices lost to a listener's reconnect count as a notice
 * for every host. So an idle agent's heartbeat and long poll are answered
 * from memory, and the store is read again only after a change.
 */
export interface NoticeMemo<T> {
  /** The value read for `id`, if no notice for it came since. */
  get(id: string): T | undefined;
  /** Call before reading the store; `keep` the value read with what this returns. */
  reading(id: string): Reading;
  keep(id: string, value: T, r: Reading): void;
  forget(id: string): void;
}

/** The marks of a host's keys when a read began: the value is kept only if they did not move. */
export interface Reading {
  readonly marks: readonly number[];
}

export function createNoticeMemo<T>(feed: Pick<ChangeFeed, 'mark'>): NoticeMemo<T> {
  const held = new Map<string, { value: T; marks: readonly number[] }>();
  const marksOf = (id: string) => [feed.mark(id), feed.mark(`sched:${id}`)];
  const same = (a: readonly number[], b: readonly number[]) =>
    a.length === b.length && a.every((m, i) => m === b[i]);
  return {
    get(id) {
      const h = held.get(id);
      if (h === undefined) return undefined;
      if (same(h.marks, marksOf(id))) return h.value;
      held.delete(id);
      return undefined;
    },
    reading: (id) => ({ marks: marksOf(id) }),
    keep(id, value, r) {
      // A notice during the read: what it read may be older than the change.
      if (same(r.marks, marksOf(id))) held.set(id, { value, marks: r.marks });
      else held.delete(id);
    },
    forget(id) {
      held.delete(id);
    },
  };
}
