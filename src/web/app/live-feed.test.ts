import { describe, expect, it } from 'vitest';
import type { EventStreamLike } from './deps.js';
import { followStream, type LiveState } from './live-feed.js';

/** A stream the test drives: it fires open, error and fleet as the browser's EventSource would. */
function fakeStream() {
  const listeners = new Map<string, (() => void)[]>();
  let closed = false;
  const stream: EventStreamLike = {
    addEventListener: (type, fn) => {
      listeners.set(type, [...(listeners.get(type) ?? []), fn]);
    },
    close: () => {
      closed = true;
    },
  };
  const fire = (type: 'open' | 'error' | 'fleet') => {
    for (const fn of listeners.get(type) ?? []) fn();
  };
  return { stream, fire, closed: () => closed };
}

function follow() {
  const s = fakeStream();
  const states: LiveState[] = [];
  const timers: (() => void)[] = [];
  let refreshes = 0;
  const stop = followStream(
    s.stream,
    { state: (x) => states.push(x), refresh: () => (refreshes += 1) },
    (run) => {
      timers.push(run);
      return () => timers.splice(timers.indexOf(run), 1);
    },
  );
  const tick = () => {
    for (const run of timers.splice(0)) run();
  };
  return { ...s, states, tick, stop, refreshes: () => refreshes };
}

describe('the live feed', () => {
  it('refreshes the page once for a burst of fleet events', () => {
    const f = follow();
    f.fire('open');
    f.fire('fleet');
    f.fire('fleet');
    f.fire('fleet');
    f.tick();
    expect(f.refreshes()).toBe(1);
    f.fire('fleet');
    f.tick();
    expect(f.refreshes()).toBe(2);
  });

  it('says live, then reconnecting on a break, and refreshes when back', () => {
    const f = follow();
    f.fire('open');
    f.tick();
    expect(f.refreshes()).toBe(0);
    f.fire('error');
    f.fire('open');
    f.tick();
    expect(f.states).toEqual(['live', 'reconnecting', 'live']);
    expect(f.refreshes()).toBe(1);
  });

  it('closes the stream and refreshes nothing more once stopped', () => {
    const f = follow();
    f.fire('fleet');
    f.stop();
    f.tick();
    expect(f.closed()).toBe(true);
    expect(f.refreshes()).toBe(0);
  });
});
