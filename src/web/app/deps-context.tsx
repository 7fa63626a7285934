import { createContext, useContext } from 'react';
import type { ApiClient } from '../../api/client.js';
import type { WebDeps } from './deps.js';

export const DepsContext = createContext<WebDeps | null>(null);

export function useDeps(): WebDeps {
  const deps = useContext(DepsContext);
  if (deps === null) throw new Error('useDeps outside <App>');
  return deps;
}

/** The /v1 client: every page calls the API through it, never fetch. */
export const useApi = (): ApiClient => useDeps().api;
