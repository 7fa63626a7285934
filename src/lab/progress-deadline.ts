/**
 * A wait limit that moves with progress. A fixed limit fails a slow boot on a
 * busy machine although the guest is visibly getting on; this one gives it
 * `baseMs`, then as long as progress keeps coming (no gap of `stallMs`),
 * but never more than `capMs` in all. Pure: the caller passes the times.
 */
export interface DeadlineLimits {
  /** Always granted, progress or not. */
  readonly baseMs: number;
  /** Past baseMs, the wait ends this long after the last progress. */
  readonly stallMs: number;
  /** The wait never lasts longer than this. */
  readonly capMs: number;
}

export interface ProgressDeadline {
  /** Something advanced at `at` (new console output, a new state). */
  progressed(at: number): void;
  /** When the wait ends unless more progress comes. */
  endsAt(): number;
  expired(at: number): boolean;
  /** Why it ended, for the failure message: "no progress for 90 s" or "the 900 s cap". */
  why(at: number): string;
  /** It ends on the cap with progress still coming (as opposed to a stall). */
  capped(at: number): boolean;
}

/** The stall window and cap for a wait whose base limit is `baseMs`. */
export function scaledLimits(baseMs: number, stallMs = 90_000): DeadlineLimits {
  // The cap is generous but finite: a guest that prints forever (a boot loop) still fails.
  return { baseMs, stallMs: Math.min(stallMs, baseMs), capMs: baseMs * 5 };
}

export function progressDeadline(start: number, limits: DeadlineLimits): ProgressDeadline {
  let last = start;
  const endsAt = () =>
    Math.min(start + limits.capMs, Math.max(start + limits.baseMs, last + limits.stallMs));
  const s = (ms: number) => `${Math.round(ms / 1000)} s`;
  const capped = (at: number) => endsAt() === start + limits.capMs && at - last < limits.stallMs;
  return {
    progressed(at) {
      last = Math.max(last, at);
    },
    endsAt,
    expired: (at) => at >= endsAt(),
    capped,
    why(at) {
      if (capped(at)) return `still progressing, but ${s(limits.capMs)} is the most it is given`;
      if (last === start) return `no progress in ${s(at - start)}`;
      return `no progress for ${s(at - last)} (${s(at - start)} in all)`;
    },
  };
}
