import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { isVfleetError } from '../../core/errors.js';
import { sessionRoutes } from '../../api/routes/session.js';
import type { SessionView } from '../../api/answers.js';
import { useDeps } from './deps-context.js';

export const SESSION_KEY = ['session'] as const;

/**
 * The browser's session: GET /v1/session on load decides signed in (the
 * session) or not (null, the controller answered 401). The CSRF secret goes
 * where the client reads it for writes.
 */
export function useSession() {
  const { api, csrf } = useDeps();
  return useQuery({
    queryKey: SESSION_KEY,
    queryFn: async (): Promise<SessionView | null> => {
      try {
        const s = await api.call(sessionRoutes.get, {});
        csrf.value = s.csrf;
        return s;
      } catch (e) {
        if (isVfleetError(e) && e.code === 'UNAUTHORIZED') {
          csrf.value = null;
          return null;
        }
        throw e;
      }
    },
    staleTime: Infinity,
  });
}

export function useSignIn() {
  const { api, csrf } = useDeps();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (token: string) => api.call(sessionRoutes.create, { body: { token } }),
    onSuccess: (s) => {
      csrf.value = s.csrf;
      client.setQueryData(SESSION_KEY, s);
    },
  });
}

export function useSignOut() {
  const { api, csrf } = useDeps();
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api.call(sessionRoutes.remove, {}),
    onSettled: () => {
      csrf.value = null;
      client.setQueryData(SESSION_KEY, null);
      // Nothing the signed-out page may still show: every other cached answer goes.
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== SESSION_KEY[0] });
    },
  });
}
