import { describe, expect, it, vi } from 'vitest';
import { createChangeFeed, type FeedSignals } from './change-feed.js';

/** Two feeds joined by an in-memory stand-in for LISTEN/NOTIFY. */
function pair() {
  const subs: ((h: string | null) => void)[][] = [[], []];
  const published: string[][] = [[], []];
  const signals = (i: 0 | 1): FeedSignals => ({
    publish(h) {
      published[i]?.push(h);
      for (const s of subs[1 - i] ?? []) s(h);
    },
    subscribe(on) {
      subs[i]?.push(on);
    },
  });
  return {
    a: createChangeFeed(signals(0)),
    b: createChangeFeed(signals(1)),
    published,
    dropped: () => {
      for (const s of subs[1] ?? []) s(null);
    },
  };
}

const HOUR = 3_600_000;

describe('change feed across processes', () => {
  it("wakes the other process's waiters for that host only", async () => {
    const { a, b, published } = pair();
    const order: string[] = [];
    const w1 = b.wait('node1', HOUR).then(() => order.push('node1'));
    void b.wait('node2', HOUR).then(() => order.push('node2'));
    a.notify('node1');
    await w1;
    expect(order).toEqual(['node1']);
    expect(published).toEqual([['node1'], []]);
  });

  it('wakes every waiter when notices may have been missed', async () => {
    const { b, dropped } = pair();
    const woke = Promise.all([b.wait('node1', HOUR), b.wait('node2', HOUR)]);
    dropped();
    await expect(woke).resolves.toEqual([true, true]);
  });

  it('still wakes local waiters without signals (embedded store)', async () => {
    const feed = createChangeFeed();
    const w = feed.wait('node1', HOUR);
    feed.notify('node1');
    await expect(w).resolves.toBe(true);
  });

  it('tells a wait that ran out of time from one a notice ended', async () => {
    const feed = createChangeFeed();
    await expect(feed.wait('node1', 5)).resolves.toBe(false);
  });

  it('answers at once for a signal already aborted, with no timer left to hold the process', async () => {
    vi.useFakeTimers();
    try {
      const feed = createChangeFeed();
      const stopping = new AbortController();
      stopping.abort();
      await expect(feed.wait('node1', HOUR, stopping.signal)).resolves.toBe(false);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
