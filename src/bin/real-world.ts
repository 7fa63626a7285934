import { randomBytes, randomUUID } from 'node:crypto';
import type { IdSource } from '../controller/controller-deps.js';

/** The controller's ids and secrets from the operating system's randomness. */
export const cryptoIds: IdSource = {
  uuid: () => randomUUID(),
  bytes: (n) => new Uint8Array(randomBytes(n)),
};

/** A monotonic clock: a deadline measured by it survives the wall clock being set. */
export const monotonicMs = (): number => performance.now();

/** What a process running the controller passes as its `ids`, `elapsed` and `random`. */
export const realWorld = { ids: cryptoIds, elapsed: monotonicMs, random: Math.random } as const;
