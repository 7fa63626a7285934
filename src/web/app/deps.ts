import type { ApiClient } from '../../api/client.js';

/** The browser's EventSource as the live feed uses it (boot/main.tsx gives the real one). */
export interface EventStreamLike {
  /** `open`, `error` (the browser then reconnects by itself) and `fleet`, one per event. */
  addEventListener(type: 'open' | 'error' | 'fleet', listener: () => void): void;
  close(): void;
}

/**
 * What the dashboard takes from the browser, given once by its composition
 * root (boot/main.tsx): the /v1 client in cookie mode, the holder of the
 * session's CSRF secret the client sends on writes, and the event stream.
 */
export interface WebDeps {
  readonly api: ApiClient;
  readonly csrf: { value: string | null };
  readonly openEvents: (url: string) => EventStreamLike;
}
