import { describe, expect, it } from 'vitest';
import { UserBody } from './call-types.js';
import { createApiClient } from './client.js';
import { hostRoutes } from './routes/hosts.js';
import { instanceRoutes } from './routes/instances.js';
import { specRoutes } from './routes/specs.js';

const host = (id: string) => ({
  id,
  labels: {},
  health: 'healthy',
  ready: true,
  lastSeen: null,
  desiredGeneration: 1,
  appliedGeneration: 1,
  lastApplyMessage: null,
  numaNodes: [],
  memoryMb: null,
  cordon: null,
});

/** A host as GET /v1/hosts lists it. */
const summary = (id: string) => ({
  ...host(id),
  pfCount: 1,
  vfCounts: { total: 4, free: 4, reserved: 0, allocated: 0, quarantined: 0, dirty: 0 },
  findingCount: 0,
});

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** A paged list of 2,500 hosts, served as the controller serves its lists. */
function pagedFetch() {
  const asked: string[] = [];
  const all = Array.from({ length: 2500 }, (_, i) => summary(`h${i}`));
  const fetch = (url: string): Promise<Response> => {
    asked.push(url);
    const u = new URL(url);
    const limit = Number(u.searchParams.get('limit') ?? 100);
    const from = Number(u.searchParams.get('cursor') ?? 0);
    const items = all.slice(from, from + limit);
    const next = from + limit < all.length ? String(from + limit) : null;
    return Promise.resolve(json(200, { items, nextCursor: next }));
  };
  return { asked, all, fetch };
}

const client = (fetch: (url: string, init: RequestInit) => Promise<Response>) =>
  createApiClient({ baseUrl: 'http://c/', token: 't', fetch });

describe('api client lists', () => {
  it('follows every page, as few and as large as the API allows', async () => {
    const f = pagedFetch();
    expect(await client(f.fetch).list(hostRoutes.list, {})).toEqual(f.all);
    expect(f.asked).toEqual([
      'http://c/v1/hosts?limit=1000',
      'http://c/v1/hosts?limit=1000&cursor=1000',
      'http://c/v1/hosts?limit=1000&cursor=2000',
    ]);
  });

  it('stops at a limit, and keeps the filters of the query', async () => {
    const f = pagedFetch();
    const got = await client(f.fetch).list(hostRoutes.list, { query: { label: 'a=b' } }, 1200);
    expect(got).toEqual(f.all.slice(0, 1200));
    expect(f.asked[1]).toBe('http://c/v1/hosts?label=a%3Db&limit=200&cursor=1000');
  });
});

describe('api client answers', () => {
  it('fills the path from the route and sends the body, the token and the headers', async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const api = client((url, init) => {
      seen.push({ url, init });
      return Promise.resolve(
        json(200, {
          ...host('a/b'),
          findings: [],
          pfs: [],
          allocation: {
            rule: null,
            cpuRatio: 1,
            memoryRatio: 1,
            reservedCpus: [],
            reservedMemoryMb: 0,
            vcpus: [],
            memoryMb: null,
          },
          drain: null,
        }),
      );
    });
    expect(await api.call(hostRoutes.get, { params: { id: 'a/b' } })).toMatchObject(host('a/b'));
    await api
      .call(instanceRoutes.create, {
        body: new UserBody({ name: 'vm1' }),
        headers: { 'idempotency-key': 'k1' },
      })
      .catch(() => undefined);
    expect(seen[0]?.url).toBe('http://c/v1/hosts/a%2Fb');
    expect(seen[1]?.init).toMatchObject({
      method: 'POST',
      body: '{"name":"vm1"}',
      headers: { authorization: 'Bearer t', 'idempotency-key': 'k1' },
    });
  });

  it("refuses an answer that does not fit the route's schema, naming the field", async () => {
    const detail = { ...host('h1'), findings: [], pfs: [], ready: 'yes' };
    const api = client(() => Promise.resolve(json(200, detail)));
    const answer = api.call(hostRoutes.get, { params: { id: 'h1' } });
    await expect(answer).rejects.toMatchObject({ code: 'INTERNAL', details: { field: 'ready' } });
    await expect(answer).rejects.toThrow("the controller's answer does not fit the API: ready");
  });

  it('maps the error body to the same VfleetError, and anything else by its status', async () => {
    const body = { code: 'CONFLICT', message: 'taken', details: { field: 'name' } };
    const api = client(() => Promise.resolve(json(409, body)));
    await expect(api.call(specRoutes.remove, { params: { id: 's' } })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'taken',
      details: { field: 'name', status: 409 },
    });
    const proxy = client(() => Promise.resolve(new Response('<html>', { status: 404 })));
    await expect(proxy.call(specRoutes.remove, { params: { id: 's' } })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      details: { status: 404 },
    });
  });

  it('names the token source when the token is refused, and an unreachable controller', async () => {
    const refusedSocket = Object.assign(new Error('connect ECONNREFUSED'), {
      code: 'ECONNREFUSED',
    });
    const refused = createApiClient({
      baseUrl: 'http://c',
      token: 't',
      tokenFrom: '--token-file f',
      fetch: () => Promise.resolve(json(401, { code: 'UNAUTHORIZED', message: 'no', details: {} })),
    });
    await expect(refused.list(specRoutes.list, {})).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      details: { field: 'token', tokenFrom: '--token-file f' },
    });
    const down = createApiClient({
      baseUrl: 'http://c',
      token: 't',
      unreachableHint: 'is it running?',
      fetch: () => Promise.reject(new TypeError('fetch failed', { cause: refusedSocket })),
    });
    await expect(down.list(specRoutes.list, {})).rejects.toMatchObject({
      code: 'MISSING_DEPENDENCY',
      message: 'cannot reach the controller at http://c: ECONNREFUSED; is it running?',
    });
  });
});
