import { describe, expect, it } from 'vitest';
import { isVfleetError } from '../core/errors.js';
import { createApiClient } from './client.js';
import { hostRoutes } from './routes/hosts.js';
import { sessionRoutes } from './routes/session.js';

/** What the client handed to fetch, for each request. */
function recorder(answer: () => Response) {
  const sent: { url: string; init: RequestInit }[] = [];
  const fetch = (url: string, init: RequestInit) => {
    sent.push({ url, init });
    return Promise.resolve(answer());
  };
  return { sent, fetch };
}

const session = {
  role: 'admin',
  tenant: null,
  tokenName: 'admin',
  expiresAt: '2030-01-01T00:00:00.000Z',
  csrf: 'c5rf',
};
const ok = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('api client in cookie mode (the dashboard)', () => {
  it('sends the CSRF secret on writes, with the cookie and no bearer token', async () => {
    const r = recorder(() => ok({ ...session, labels: {} }));
    let csrf: string | null = null;
    const api = createApiClient({ baseUrl: '', fetch: r.fetch, csrf: () => csrf });
    await api.call(sessionRoutes.create, { body: { token: 'secret' } });
    csrf = 'c5rf';
    await api.call(sessionRoutes.remove, {}).catch(() => undefined);
    const [signIn, signOut] = r.sent;
    expect(signIn?.url).toBe('/v1/session');
    expect(signIn?.init.credentials).toBe('same-origin');
    expect(signIn?.init.headers).toEqual({ 'content-type': 'application/json' });
    expect(signOut?.init.method).toBe('DELETE');
    expect(signOut?.init.headers).toEqual({ 'x-vfleet-csrf': 'c5rf' });
  });

  it('sends no CSRF secret on reads', async () => {
    const r = recorder(() => ok(session));
    const api = createApiClient({ baseUrl: '', fetch: r.fetch, csrf: () => 'c5rf' });
    expect((await api.call(sessionRoutes.get, {})).role).toBe('admin');
    expect(r.sent[0]?.init.headers).toEqual({});
  });

  it('still parses every answer with the route schema', async () => {
    const r = recorder(() => ok({ ...session, role: 'root' }));
    const api = createApiClient({ baseUrl: '', fetch: r.fetch });
    const e: unknown = await api.call(sessionRoutes.get, {}).catch((x: unknown) => x);
    expect(isVfleetError(e) && e.details.field).toBe('role');
  });

  it('leaves bearer requests as they were: no cookie mode, no CSRF header', async () => {
    const r = recorder(() => ok({ items: [], nextCursor: null }));
    const api = createApiClient({
      baseUrl: 'http://c',
      token: 't',
      fetch: r.fetch,
      csrf: () => 'x',
    });
    await api.call(hostRoutes.update, { params: { id: 'h' }, body: { labels: {} } }).catch(() => 0);
    expect(r.sent[0]?.init.headers).toEqual({
      authorization: 'Bearer t',
      'content-type': 'application/json',
    });
    expect(r.sent[0]?.init).not.toHaveProperty('credentials');
  });
});
