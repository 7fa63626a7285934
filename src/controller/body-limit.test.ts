import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodeInfo } from '../core/errors.js';
import { startHarness, type Harness } from '../testing/controller-harness.js';
import { startSocketController, type SocketController } from '../testing/socket-controller.js';
import { DEFAULT_CONFIG } from './controller-deps.js';

/** A small limit, so the bodies stay small; the default (1 MiB) is checked in api-bad-input. */
const LIMIT = 4096;

let ctl: SocketController;
let token: string;

beforeAll(async () => {
  ctl = await startSocketController('vfleet-body-', { ...DEFAULT_CONFIG, bodyLimitBytes: LIMIT });
  token = ctl.token;
}, 60_000);

afterAll(() => ctl.close());

/**
 * POST /v1/physnets over a real socket. `chunks` are written one by one;
 * with `chunked` no Content-Length is sent (Transfer-Encoding: chunked).
 */
function post(
  chunks: readonly string[],
  chunked: boolean,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const length = chunks.reduce((n, c) => n + Buffer.byteLength(c), 0);
  return new Promise((resolve, reject) => {
    const req = request(
      `${ctl.url}/v1/physnets`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          ...(chunked ? {} : { 'content-length': String(length) }),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(text) as Record<string, unknown>,
          });
        });
      },
    );
    // The controller may answer and close before the whole body is written.
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE' && e.code !== 'ECONNRESET') reject(e);
    });
    for (const c of chunks) req.write(c);
    req.end();
  });
}

const physnet = (name: string, pad: number) =>
  JSON.stringify({ name, vlanRanges: [], ...(pad > 0 ? { pad: 'x'.repeat(pad) } : {}) });

describe('request body limit', () => {
  it('answers 413 TOO_LARGE for a body whose Content-Length is over the limit', async () => {
    const r = await post([physnet('big', LIMIT)], false);
    expect(r.status).toBe(errorCodeInfo.TOO_LARGE.httpStatus);
    expect(r.status).toBe(413);
    expect(r.body).toEqual({
      code: 'TOO_LARGE',
      message: `request body is over the limit of ${LIMIT} bytes`,
      details: { field: '(body)', limitBytes: LIMIT },
    });
  });

  it('answers 413 for a chunked body without Content-Length once it passes the limit', async () => {
    const chunks = [
      physnet('big', 0).slice(0, -1),
      ...Array.from({ length: 8 }, () => ' '.repeat(1024)),
      '}',
    ];
    const r = await post(chunks, true);
    expect(r.status).toBe(413);
    expect(r.body.code).toBe('TOO_LARGE');
  });

  it('takes bodies up to the limit, sized or chunked', async () => {
    const under = physnet('sized', 0);
    expect((await post([under], false)).status).toBe(201);
    const chunked = physnet('chunked', 0);
    const r = await post([chunked.slice(0, 10), chunked.slice(10)], true);
    expect(r).toMatchObject({ status: 201, body: { name: 'chunked' } });
    // Exactly at the limit is allowed (the pad fills it up); the answer then is about the field.
    const exact = physnet('exact', 0);
    const padded = physnet('exact', LIMIT - exact.length - ',"pad":""'.length);
    expect(Buffer.byteLength(padded)).toBe(LIMIT);
    const at = await post([padded], true);
    expect(at).toMatchObject({ status: 400, body: { code: 'INVALID_INPUT' } });
  });

  it('keeps malformed JSON a 400 that says the body is not valid JSON', async () => {
    const r = await post(['{"name": "p2", '], false);
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('INVALID_INPUT');
    expect(r.body.details).toMatchObject({ field: '(body)' });
    expect(String(r.body.message)).toMatch(/not valid JSON/);
  });
});

describe('a request without a body', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('pglite');
  }, 60_000);
  afterAll(() => h.close());

  /** A request that counts how often it is asked for its body. */
  const counted = (method: string, path: string, body?: string) => {
    const req = new Request(`http://controller${path}`, {
      method,
      headers: { authorization: `Bearer ${h.admin}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body }),
    });
    const stream = req.body;
    let asked = 0;
    Object.defineProperty(req, 'body', {
      get() {
        asked++;
        return stream;
      },
    });
    return { req, asked: () => asked };
  };

  it('is answered without the request being asked for its body (on Node that builds it whole)', async () => {
    const get = counted('GET', '/v1/hosts');
    expect((await h.app.fetch(get.req)).status).toBe(200);
    expect(get.asked()).toBe(0);
    // A write still goes through the limit, which reads the body.
    const post = counted('POST', '/v1/physnets', JSON.stringify({ name: 'p9', vlanRanges: [] }));
    expect((await h.app.fetch(post.req)).status).toBe(201);
    expect(post.asked()).toBeGreaterThan(0);
  });
});
