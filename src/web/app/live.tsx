import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { coalesce } from './coalesce.js';
import { useDeps } from './deps-context.js';
import { SESSION_KEY } from './session.js';

export type LiveState = 'connecting' | 'live' | 'reconnecting';

const LiveContext = createContext<LiveState>('connecting');
export const useLiveState = (): LiveState => useContext(LiveContext);

export const STREAM_URL = '/v1/events/stream';
/** Events closer together than this refetch once. */
export const COALESCE_MS = 100;

/**
 * The one event stream of the page. Any fleet event marks every cached
 * answer but the session stale (simple and correct: the pages on screen
 * refetch, the others when shown). The browser reconnects by itself and
 * resumes after the last event id it saw; a reconnect refetches too, for
 * what changed while the stream was down.
 */
export function LiveProvider({ children }: { children: ReactNode }) {
  const { openEvents } = useDeps();
  const client = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');
  useEffect(() => {
    const refresh = coalesce(
      () => void client.invalidateQueries({ predicate: (q) => q.queryKey[0] !== SESSION_KEY[0] }),
      COALESCE_MS,
      (run, ms) => {
        const t = setTimeout(run, ms);
        return () => {
          clearTimeout(t);
        };
      },
    );
    let wasDown = false;
    const stream = openEvents(STREAM_URL);
    stream.addEventListener('open', () => {
      setState('live');
      if (wasDown) refresh.poke();
    });
    stream.addEventListener('error', () => {
      wasDown = true;
      setState('reconnecting');
    });
    stream.addEventListener('fleet', () => {
      refresh.poke();
    });
    return () => {
      refresh.stop();
      stream.close();
    };
  }, [client, openEvents]);
  return <LiveContext.Provider value={state}>{children}</LiveContext.Provider>;
}
