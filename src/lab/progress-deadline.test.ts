import { describe, expect, it } from 'vitest';
import { progressDeadline, scaledLimits } from './progress-deadline.js';

const limits = { baseMs: 180_000, stallMs: 90_000, capMs: 900_000 };

describe('a wait limit that moves with progress', () => {
  it('without progress ends at the base limit', () => {
    const d = progressDeadline(1000, limits);
    expect(d.expired(1000 + 179_999)).toBe(false);
    expect(d.expired(1000 + 180_000)).toBe(true);
    expect(d.why(1000 + 180_000)).toBe('no progress in 180 s');
    expect(d.capped(1000 + 180_000)).toBe(false);
  });

  it('progress before the base limit does not shorten or lengthen it early', () => {
    const d = progressDeadline(0, limits);
    d.progressed(10_000);
    expect(d.endsAt()).toBe(180_000);
  });

  it('progress near the end gives a stall window more, again and again', () => {
    const d = progressDeadline(0, limits);
    for (let t = 0; t <= 400_000; t += 20_000) {
      expect(d.expired(t)).toBe(false);
      d.progressed(t);
    }
    expect(d.endsAt()).toBe(490_000);
    expect(d.expired(489_999)).toBe(false);
    expect(d.expired(490_000)).toBe(true);
    expect(d.why(490_000)).toBe('no progress for 90 s (490 s in all)');
    expect(d.capped(490_000)).toBe(false);
  });

  it('a guest that never stops printing still ends at the cap', () => {
    const d = progressDeadline(0, limits);
    for (let t = 0; t < 900_000; t += 1_000) d.progressed(t);
    expect(d.expired(899_999)).toBe(false);
    expect(d.expired(900_000)).toBe(true);
    expect(d.why(900_000)).toBe('still progressing, but 900 s is the most it is given');
    expect(d.capped(900_000)).toBe(true);
  });

  it('progress times out of order never move the end back', () => {
    const d = progressDeadline(0, limits);
    d.progressed(200_000);
    d.progressed(150_000);
    expect(d.endsAt()).toBe(290_000);
  });

  it('scales the stall window and cap from the base limit', () => {
    expect(scaledLimits(180_000)).toEqual(limits);
    // A short limit (a test that wants a timeout) stays short.
    expect(scaledLimits(1_500)).toEqual({ baseMs: 1_500, stallMs: 1_500, capMs: 7_500 });
  });
});
