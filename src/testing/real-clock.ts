import type { Clock } from '../core/ports.js';

/** Real time, for tests whose code polls or waits on real processes and files. */
export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise<void>((r) => setTimeout(r, ms)),
};
