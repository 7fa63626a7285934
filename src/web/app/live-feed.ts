import { coalesce, type Schedule } from './coalesce.js';
import type { EventStreamLike } from './deps.js';

export type LiveState = 'connecting' | 'live' | 'reconnecting';

/** Events closer together than this refetch once. */
export const COALESCE_MS = 100;

/**
 * Follows the page's one event stream: reports its state, and calls
 * `refresh` once per burst of fleet events, and once when the stream comes
 * back after a break (the browser resumes after the last event id it saw,
 * but a page may have been drawn from answers older than that). Returns
 * what stops it.
 */
export function followStream(
  stream: EventStreamLike,
  on: { state: (s: LiveState) => void; refresh: () => void },
  schedule: Schedule,
): () => void {
  const refresh = coalesce(on.refresh, COALESCE_MS, schedule);
  let wasDown = false;
  stream.addEventListener('open', () => {
    on.state('live');
    if (wasDown) refresh.poke();
  });
  stream.addEventListener('error', () => {
    wasDown = true;
    on.state('reconnecting');
  });
  stream.addEventListener('fleet', () => {
    refresh.poke();
  });
  return () => {
    refresh.stop();
    stream.close();
  };
}
