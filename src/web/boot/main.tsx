import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApiClient } from '../../api/client.js';
import { App } from '../app/App.js';
import type { WebDeps } from '../app/deps.js';
import '../styles.css';

/*
 * The browser's composition root: the one place of the dashboard that uses
 * the real fetch and EventSource. Requests go to the page's own origin with
 * the session cookie; no token is ever kept in the page.
 */
const csrf: WebDeps['csrf'] = { value: null };
const deps: WebDeps = {
  api: createApiClient({
    baseUrl: '',
    fetch: (url, init) => fetch(url, init),
    csrf: () => csrf.value,
  }),
  csrf,
  openEvents: (url) => new EventSource(url, { withCredentials: true }),
};

const root = document.getElementById('root');
if (root !== null)
  createRoot(root).render(
    <StrictMode>
      <App deps={deps} />
    </StrictMode>,
  );
