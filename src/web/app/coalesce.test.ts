import { describe, expect, it } from 'vitest';
import { coalesce, type Schedule } from './coalesce.js';

/** A timer the test fires by hand. */
function manualTimer() {
  const pending: { run: () => void; ms: number; cancelled: boolean }[] = [];
  const schedule: Schedule = (run, ms) => {
    const t = { run, ms, cancelled: false };
    pending.push(t);
    return () => {
      t.cancelled = true;
    };
  };
  const fire = () => {
    for (const t of pending.splice(0)) if (!t.cancelled) t.run();
  };
  return { schedule, pending, fire };
}

describe('coalescing live refreshes', () => {
  it('runs once for a burst of events, after the delay', () => {
    const timer = manualTimer();
    let runs = 0;
    const c = coalesce(() => (runs += 1), 100, timer.schedule);
    for (let i = 0; i < 20; i++) c.poke();
    expect(runs).toBe(0);
    expect(timer.pending.map((t) => t.ms)).toEqual([100]);
    timer.fire();
    expect(runs).toBe(1);
  });

  it('runs again for an event after the refresh', () => {
    const timer = manualTimer();
    let runs = 0;
    const c = coalesce(() => (runs += 1), 100, timer.schedule);
    c.poke();
    timer.fire();
    c.poke();
    timer.fire();
    expect(runs).toBe(2);
  });

  it('runs nothing once stopped (the page left)', () => {
    const timer = manualTimer();
    let runs = 0;
    const c = coalesce(() => (runs += 1), 100, timer.schedule);
    c.poke();
    c.stop();
    timer.fire();
    expect(runs).toBe(0);
  });
});
