import { describe, expect, it } from 'vitest';
import { createStopping } from './stopping.js';

describe('the controller stopping', () => {
  it('ends every wait that follows it, and its own signal', () => {
    const s = createStopping();
    const hangup = new AbortController();
    const a = s.follow([hangup.signal]);
    const b = s.follow([]);
    expect([a.signal.aborted, b.signal.aborted, s.signal.aborted]).toEqual([false, false, false]);
    s.stop();
    expect([a.signal.aborted, b.signal.aborted, s.signal.aborted]).toEqual([true, true, true]);
    expect(s.following()).toBe(0);
  });

  it("ends a wait when one of the wait's own signals aborts", () => {
    const s = createStopping();
    const hangup = new AbortController();
    const w = s.follow([hangup.signal]);
    hangup.abort();
    expect(w.signal.aborted).toBe(true);
    expect(s.signal.aborted).toBe(false);
  });

  it('keeps nothing of a released wait', () => {
    const s = createStopping();
    for (let i = 0; i < 1_000; i++) s.follow([new AbortController().signal]).release();
    expect(s.following()).toBe(0);
    const kept = s.follow([]);
    expect(s.following()).toBe(1);
    kept.release();
    expect(s.following()).toBe(0);
  });

  it('answers a wait that starts after the stop as stopped', () => {
    const s = createStopping();
    s.stop();
    expect(s.follow([]).signal.aborted).toBe(true);
    expect(s.following()).toBe(0);
  });
});
