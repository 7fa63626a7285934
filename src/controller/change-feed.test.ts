import { describe, expect, it, vi } from 'vitest';
import type { StoreNotices } from '../core/fleet/store.js';
import { createChangeFeed, storeFeed } from './change-feed.js';

const HOUR = 3_600_000;

/** Notices the test publishes by hand, as the store's listener would. */
function handNotices() {
  let on: ((key: string | null) => void) | null = null;
  const notices: StoreNotices = {
    listen(onKey) {
      on = onKey;
      return Promise.resolve();
    },
    publish(key) {
      on?.(key);
      return Promise.resolve();
    },
  };
  return { notices, publish: (key: string | null) => on?.(key) };
}

describe('change feed', () => {
  it("wakes the waiters of the store notice's key only", async () => {
    const { notices, publish } = handNotices();
    const feed = await storeFeed(notices);
    const order: string[] = [];
    const w1 = feed.wait('node1', HOUR).then(() => order.push('node1'));
    void feed.wait('node2', HOUR).then(() => order.push('node2'));
    publish('node1');
    await w1;
    expect(order).toEqual(['node1']);
  });

  it('wakes every waiter when notices may have been missed', async () => {
    const { notices, publish } = handNotices();
    const feed = await storeFeed(notices);
    const woke = Promise.all([feed.wait('node1', HOUR), feed.wait('node2', HOUR)]);
    publish(null);
    await expect(woke).resolves.toEqual([true, true]);
  });

  it('wakes local waiters on notify', async () => {
    const { feed } = createChangeFeed();
    const w = feed.wait('node1', HOUR);
    feed.notify('node1');
    await expect(w).resolves.toBe(true);
  });

  it('tells a wait that ran out of time from one a notice ended', async () => {
    const { feed } = createChangeFeed();
    await expect(feed.wait('node1', 5)).resolves.toBe(false);
  });

  it('answers at once for a signal already aborted, with no timer left to hold the process', async () => {
    vi.useFakeTimers();
    try {
      const { feed } = createChangeFeed();
      const stopping = new AbortController();
      stopping.abort();
      await expect(feed.wait('node1', HOUR, stopping.signal)).resolves.toBe(false);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
