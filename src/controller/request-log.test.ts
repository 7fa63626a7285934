import { PassThrough } from 'node:stream';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPinoLogger } from '../adapters/log/pino-logger.js';
import { startHarness, type Harness } from '../testing/controller-harness.js';
import { requestLog } from './request-log.js';

interface Line {
  level: string;
  msg: string;
  reqId: string;
  method: string;
  route: string;
  status: number;
  durationMs: number;
  token?: string;
  host?: string;
  instance?: string;
}

/** A controller whose request log is the real pino logger at info, as JSON lines. */
describe("the controller's request log", () => {
  let h: Harness;
  let text = '';
  const lines = () =>
    text
      .trim()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Line);
  beforeAll(async () => {
    const out = new PassThrough();
    out.on('data', (b: Buffer) => (text += b.toString()));
    h = await startHarness('pglite', {}, undefined, {
      logger: createPinoLogger({ level: 'info', format: 'json', destination: out }),
    });
  }, 60_000);
  afterAll(() => h.close());

  const send = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
    h.app.request(path, {
      method,
      headers: {
        authorization: `Bearer ${h.admin}`,
        'content-type': 'application/json',
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it("logs a write with its request id, route, status and the token's name, never its secret", async () => {
    const r = await send(
      'POST',
      '/v1/physnets',
      { 'x-request-id': 'deploy-42' },
      {
        name: 'p1',
        vlanRanges: [{ min: 100, max: 199 }],
      },
    );
    expect(r.status).toBe(201);
    expect(r.headers.get('x-request-id')).toBe('deploy-42');
    const line = lines().find((l) => l.reqId === 'deploy-42');
    expect(line).toMatchObject({
      level: 'info',
      method: 'POST',
      route: '/v1/physnets',
      status: 201,
      token: expect.stringMatching(/^admin-/) as unknown,
    });
    expect(line?.durationMs).toBeGreaterThanOrEqual(0);
    expect(text).not.toContain(h.admin);
  });

  it('names the host or instance a route names; a refusal is at info, a read at debug (left out)', async () => {
    const before = lines().length;
    expect((await send('GET', '/v1/hosts', {})).status).toBe(200);
    expect((await send('GET', '/v1/hosts/hv-nope', {})).status).toBe(404);
    const inst = await send('DELETE', '/v1/instances/1b4e28ba-2fa1-11d2-883f-0016d3cca427', {});
    expect(inst.status).toBe(404);
    const added = lines().slice(before);
    expect(added.map((l) => [l.route, l.status, l.host ?? l.instance])).toEqual([
      ['/v1/hosts/:id', 404, 'hv-nope'],
      ['/v1/instances/:id', 404, '1b4e28ba-2fa1-11d2-883f-0016d3cca427'],
    ]);
  });

  it("leaves an agent's answered heartbeat out at info, like its long polls; a refused one is in", async () => {
    const agent = await h.token('agent', { host: 'node1' });
    const other = await h.token('agent', { host: 'node2' });
    expect(
      (await h.call('POST', '/v1/agent/register', agent, { host: 'node1', labels: {} })).status,
    ).toBe(200);
    const before = lines().length;
    const beat = (token: string) =>
      h.app.request('/v1/agent/hosts/node1/heartbeat', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ digest: 'not-the-last-report' }),
      });
    const answered = await beat(agent);
    expect(answered.status).toBe(200);
    expect(await answered.json()).toEqual({ reportNeeded: true });
    expect((await beat(other)).status).toBe(403);
    const added = lines().slice(before);
    expect(added.map((l) => [l.level, l.route, l.status, l.host])).toEqual([
      ['info', '/v1/agent/hosts/:id/heartbeat', 403, 'node1'],
    ]);
  });

  it('makes a request id when none, or no sane one, came, and answers it', async () => {
    const made = (await send('GET', '/healthz', {})).headers.get('x-request-id');
    expect(made).toMatch(/^[0-9a-f-]{36}$/);
    const odd = (await send('GET', '/healthz', { 'x-request-id': 'a b\u0007c' })).headers.get(
      'x-request-id',
    );
    expect(odd).toMatch(/^[0-9a-f-]{36}$/);
    expect(odd).not.toBe(made);
    // An unauthenticated request is answered with its id too (and logged without a token).
    const r = await h.app.request('/v1/hosts', {
      method: 'POST',
      headers: { 'x-request-id': 'no-token-1' },
    });
    expect(r.status).toBe(401);
    expect(r.headers.get('x-request-id')).toBe('no-token-1');
    const line = lines().find((l) => l.reqId === 'no-token-1');
    expect(line).toMatchObject({ level: 'info', status: 401 });
    expect(line?.token).toBeUndefined();
  });
});

describe('the request id header', () => {
  const deps = {
    ids: { uuid: () => 'made-1', bytes: (n: number) => new Uint8Array(n) },
    elapsed: () => 0,
  };

  it('is on the answer the route built, not on a copy of it (one Response per answer)', async () => {
    const app = new Hono().use(requestLog(deps)).get('/x', (c) => c.json({ ok: true }));
    const made: Response[] = [];
    const Original = globalThis.Response;
    globalThis.Response = class extends Original {
      constructor(...args: ConstructorParameters<typeof Response>) {
        super(...args);
        made.push(this);
      }
    };
    try {
      const r = await app.request('/x', { headers: { 'x-request-id': 'given-1' } });
      expect(r.headers.get('x-request-id')).toBe('given-1');
      expect(await r.json()).toEqual({ ok: true });
      expect(made).toHaveLength(1);
    } finally {
      globalThis.Response = Original;
    }
  });

  it('is added to an answer made as a bare Response', async () => {
    const app = new Hono().use(requestLog(deps)).get('/raw', () => new Response('plain'));
    const r = await app.request('/raw');
    expect(r.headers.get('x-request-id')).toBe('made-1');
    expect(await r.text()).toBe('plain');
  });
});
