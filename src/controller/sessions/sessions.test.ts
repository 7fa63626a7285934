import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, T0, type Harness, type Json } from '../../testing/controller-harness.js';
import { DEFAULT_CONFIG } from '../controller-deps.js';
import { purgeHistory } from '../purge-history.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('pglite');
  const p1 = await h.call('POST', '/v1/physnets', h.admin, {
    name: 'p1',
    vlanRanges: [{ min: 100, max: 199 }],
  });
  expect(p1.status).toBe(201);
}, 60_000);
afterAll(() => h.close());

interface Sent {
  readonly cookie?: string;
  readonly csrf?: string;
  readonly bearer?: string;
  readonly body?: unknown;
  /** The request's origin (https: the cookie gets Secure). */
  readonly origin?: string;
}

interface Answer {
  readonly status: number;
  readonly body: Json;
  readonly setCookie: string | null;
}

async function send(method: string, path: string, o: Sent = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (o.cookie !== undefined) headers.cookie = `vfleet_session=${o.cookie}`;
  if (o.csrf !== undefined) headers['x-vfleet-csrf'] = o.csrf;
  if (o.bearer !== undefined) headers.authorization = `Bearer ${o.bearer}`;
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  const res = await h.app.request(`${o.origin ?? 'http://localhost'}${path}`, {
    method,
    headers,
    ...(o.body === undefined ? {} : { body: JSON.stringify(o.body) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: (text === '' ? {} : JSON.parse(text)) as Json,
    setCookie: res.headers.get('set-cookie'),
  };
}

/** Signs in with `token`: the cookie secret and the session answered. */
async function signIn(token: string, origin?: string) {
  const r = await send('POST', '/v1/session', {
    body: { token },
    ...(origin === undefined ? {} : { origin }),
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const m = /^vfleet_session=([^;]+);/.exec(r.setCookie ?? '');
  if (!m?.[1]) throw new Error(`no session cookie in ${String(r.setCookie)}`);
  return { cookie: m[1], session: r.body, setCookie: r.setCookie ?? '' };
}

/** A token made through the API, so its id is known (to revoke it). */
async function apiToken(body: Record<string, unknown>) {
  const r = await h.call('POST', '/v1/tokens', h.admin, body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { id: String(r.body.id), secret: String(r.body.token) };
}

describe('signing in and out', () => {
  it('answers the session and sets an HttpOnly, SameSite=Strict cookie that signs in as the token', async () => {
    const t = await apiToken({ name: 'ops-desk', role: 'admin' });
    const { cookie, session, setCookie } = await signIn(t.secret);
    const ttl = DEFAULT_CONFIG.sessionTtlMs / 1000;
    expect(setCookie).toBe(
      `vfleet_session=${cookie}; Max-Age=${ttl}; Path=/; HttpOnly; SameSite=Strict`,
    );
    expect(cookie).not.toContain(t.secret.slice(4));
    expect(session).toEqual({
      role: 'admin',
      tenant: null,
      tokenName: 'ops-desk',
      expiresAt: new Date(h.clock + DEFAULT_CONFIG.sessionTtlMs).toISOString(),
      csrf: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/) as unknown,
    });
    const again = await send('GET', '/v1/session', { cookie });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(session);
    expect((await send('GET', '/v1/hosts', { cookie })).status).toBe(200);
    // Only the cookie's hash is stored.
    const rows = await h.store.db.selectFrom('sessions').select('hash').execute();
    expect(rows.map((r) => r.hash)).not.toContain(cookie);
  });

  it('marks the cookie Secure when the request came over https', async () => {
    const { setCookie } = await signIn(h.admin, 'https://localhost');
    expect(setCookie).toMatch(/; Secure(;|$)/);
    expect((await signIn(h.admin)).setCookie).not.toMatch(/Secure/);
  });

  it('signing out ends the session at once and clears the cookie', async () => {
    const { cookie, session } = await signIn(h.admin);
    const csrf = String(session.csrf);
    const out = await send('DELETE', '/v1/session', { cookie, csrf });
    expect(out.status).toBe(204);
    expect(out.setCookie).toBe('vfleet_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict');
    const after = await send('GET', '/v1/session', { cookie });
    expect(after.status).toBe(401);
    expect(after.body.message).toMatch(/session has ended.*sign in again/);
    expect(after.setCookie).toMatch(/^vfleet_session=; Max-Age=0;/);
    expect((await send('GET', '/v1/hosts', { cookie })).status).toBe(401);
  });

  it('refuses an unknown token naming body.token, and agent tokens', async () => {
    const wrong = await send('POST', '/v1/session', { body: { token: 'vfl_nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ code: 'UNAUTHORIZED', details: { field: 'body.token' } });
    expect(wrong.setCookie).toBeNull();
    const agent = await send('POST', '/v1/session', {
      body: { token: await h.token('agent', { host: 'node1' }) },
    });
    expect(agent.status).toBe(403);
    expect(agent.body).toMatchObject({ code: 'FORBIDDEN', details: { field: 'body.token' } });
    expect(agent.body.message).toMatch(/agent token cannot sign in/);
    expect(agent.setCookie).toBeNull();
    const empty = await send('POST', '/v1/session', { body: {} });
    expect(empty.status).toBe(400);
    expect(empty.body.details).toMatchObject({ field: 'token' });
  });

  it('GET /v1/session with a bearer token only is 401: there is no session', async () => {
    const r = await send('GET', '/v1/session', { bearer: h.admin });
    expect(r.status).toBe(401);
    expect(r.body.message).toMatch(/no dashboard session/);
  });
});

describe('writes with the cookie need the CSRF header', () => {
  it('refuses a write without it or with a wrong one, naming header.x-vfleet-csrf; takes the right one', async () => {
    const { cookie, session } = await signIn(h.admin);
    const body = { name: 'p-csrf', vlanRanges: [{ min: 300, max: 309 }] };
    const none = await send('POST', '/v1/physnets', { cookie, body });
    expect(none.status).toBe(403);
    expect(none.body).toMatchObject({
      code: 'FORBIDDEN',
      details: { field: 'header.x-vfleet-csrf' },
    });
    const wrong = await send('POST', '/v1/physnets', { cookie, body, csrf: 'x'.repeat(32) });
    expect(wrong.status).toBe(403);
    expect(wrong.body.details).toMatchObject({ field: 'header.x-vfleet-csrf' });
    // Another session's CSRF secret is not this one's.
    const other = await signIn(h.admin);
    const crossed = await send('POST', '/v1/physnets', {
      cookie,
      body,
      csrf: String(other.session.csrf),
    });
    expect(crossed.status).toBe(403);
    expect((await h.call('GET', '/v1/physnets/p-csrf', h.admin)).status).toBe(404);
    const right = await send('POST', '/v1/physnets', { cookie, body, csrf: String(session.csrf) });
    expect(right.status, JSON.stringify(right.body)).toBe(201);
    // Sign-out is a write too.
    expect((await send('DELETE', '/v1/session', { cookie })).status).toBe(403);
  });

  it('a bearer request needs no CSRF header (a browser cannot forge the header)', async () => {
    const r = await send('POST', '/v1/physnets', {
      bearer: h.admin,
      body: { name: 'p-bearer', vlanRanges: [] },
    });
    expect(r.status).toBe(201);
  });
});

describe('how a session ends', () => {
  it('expires after the TTL with a clear message, and the sweep purges it', async () => {
    const { cookie } = await signIn(h.admin);
    const start = h.clock;
    try {
      h.clock = start + DEFAULT_CONFIG.sessionTtlMs - 1;
      expect((await send('GET', '/v1/session', { cookie })).status).toBe(200);
      h.clock = start + DEFAULT_CONFIG.sessionTtlMs;
      const r = await send('GET', '/v1/hosts', { cookie });
      expect(r.status).toBe(401);
      expect(r.body.message).toBe(
        `this dashboard session expired at ${new Date(start + DEFAULT_CONFIG.sessionTtlMs).toISOString()}; sign in again`,
      );
      const before = await h.store.db.selectFrom('sessions').select('id').execute();
      await purgeHistory(h.deps);
      const left = await h.store.db.selectFrom('sessions').select('id').execute();
      expect(left.length).toBeLessThan(before.length);
      // Every session signed in before `start` ended too (same TTL): none is left.
      expect(left).toEqual([]);
    } finally {
      h.clock = start;
    }
  });

  it('revoking the token ends its sessions', async () => {
    const t = await apiToken({ name: 'desk-2', role: 'tenant', tenant: 'acme' });
    const a = await signIn(t.secret);
    const b = await signIn(t.secret);
    expect((await send('GET', '/v1/networks', { cookie: a.cookie })).status).toBe(200);
    expect((await h.call('DELETE', `/v1/tokens/${t.id}`, h.admin)).status).toBe(204);
    for (const s of [a, b]) {
      const r = await send('GET', '/v1/networks', { cookie: s.cookie });
      expect(r.status).toBe(401);
    }
    const rows = await h.store.db
      .selectFrom('sessions')
      .select('id')
      .where('token_id', '=', t.id)
      .execute();
    expect(rows).toEqual([]);
  });
});

describe('what a session may do', () => {
  it('never takes a token from the URL', async () => {
    for (const q of ['token', 'access_token', 'vfleet_session', 'authorization']) {
      const r = await send('GET', `/v1/hosts?${q}=${encodeURIComponent(h.admin)}`);
      expect(r.status, q).toBe(401);
    }
    const signIn = await send('POST', `/v1/session?token=${encodeURIComponent(h.admin)}`);
    expect(signIn.status).toBe(400);
    expect(signIn.setCookie).toBeNull();
  });

  it("a tenant's cookie sees only its tenant's networks", async () => {
    for (const [name, tenant] of [
      ['blue', 'acme'],
      ['red', 'globex'],
    ] as const) {
      const r = await h.call('POST', '/v1/networks', h.admin, { name, physnet: 'p1', tenant });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    const { cookie, session } = await signIn(await h.token('tenant', { tenant: 'acme' }));
    expect(session).toMatchObject({ role: 'tenant', tenant: 'acme' });
    const list = await send('GET', '/v1/networks', { cookie });
    expect(list.status).toBe(200);
    const names = (list.body.items as { name: string; tenant: string }[]).map(
      (n) => `${n.tenant}/${n.name}`,
    );
    expect(names).toEqual(['acme/blue']);
    expect((await send('GET', '/v1/hosts', { cookie })).status).toBe(403);
  });
});

it('the clock the sessions are stamped with is the harness clock', () => {
  expect(h.clock).toBe(T0);
});
