import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { Router } from 'wouter';
import type { ApiClient } from '../../api/client.js';
import { DepsContext } from './deps-context.js';
import type { WebDeps } from './deps.js';

/** An API that must not be called: a rendered page shows only the answers it was given. */
const noApi: ApiClient = {
  baseUrl: '',
  call: () => Promise.reject(new Error('no API in a static render')),
  callRaw: () => Promise.reject(new Error('no API in a static render')),
  list: () => Promise.reject(new Error('no API in a static render')),
};

/**
 * A page rendered to HTML as the browser would first paint it at `url`,
 * with the API answers it reads already in the query cache (`answers`, by
 * query key): the component tests check the data a page must show.
 */
export function renderAt(
  url: string,
  node: ReactNode,
  answers: readonly (readonly [readonly unknown[], unknown])[] = [],
): string {
  const client = new QueryClient({
    defaultOptions: { queries: { staleTime: Infinity, retry: false } },
  });
  for (const [key, data] of answers) client.setQueryData(key, data);
  const deps: WebDeps = {
    api: noApi,
    csrf: { value: null },
    openEvents: () => ({ addEventListener: () => undefined, close: () => undefined }),
  };
  const [path = '/', search = ''] = url.split('?');
  return renderToStaticMarkup(
    <DepsContext.Provider value={deps}>
      <QueryClientProvider client={client}>
        <Router ssrPath={path} ssrSearch={search}>
          {node}
        </Router>
      </QueryClientProvider>
    </DepsContext.Provider>,
  );
}

/** How many times `needle` occurs in `html`. */
export const count = (html: string, needle: string): number => html.split(needle).length - 1;
