import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useDeps } from './deps-context.js';
import { followStream, type LiveState } from './live-feed.js';
import { SESSION_KEY } from './session.js';

const LiveContext = createContext<LiveState>('connecting');
export const useLiveState = (): LiveState => useContext(LiveContext);

export const STREAM_URL = '/v1/events/stream';

/**
 * The one event stream of the page. Any fleet event marks every cached
 * answer but the session stale (simple and correct: the pages on screen
 * refetch, the others when shown again).
 */
export function LiveProvider({ children }: { children: ReactNode }) {
  const { openEvents } = useDeps();
  const client = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');
  useEffect(
    () =>
      followStream(
        openEvents(STREAM_URL),
        {
          state: setState,
          refresh: () =>
            void client.invalidateQueries({ predicate: (q) => q.queryKey[0] !== SESSION_KEY[0] }),
        },
        (run, ms) => {
          const t = setTimeout(run, ms);
          return () => {
            clearTimeout(t);
          };
        },
      ),
    [client, openEvents],
  );
  return <LiveContext.Provider value={state}>{children}</LiveContext.Provider>;
}
