import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawConnection, within } from '../testing/raw-socket.js';
import { startSocketController, type SocketController } from '../testing/socket-controller.js';
import { DEFAULT_CONFIG } from './controller-deps.js';
import { serverOptions } from './run-controller.js';

/** Short limits so the test takes seconds; the defaults are checked below. */
const HTTP = {
  headersTimeoutMs: 800,
  requestTimeoutMs: 1_000,
  keepAliveTimeoutMs: 500,
  maxConnections: 3,
};

let ctl: SocketController;
let token: string;

beforeAll(async () => {
  ctl = await startSocketController('vfleet-http-', { ...DEFAULT_CONFIG, http: HTTP });
  token = ctl.token;
  for (const host of ['h1', 'h2', 'h3']) {
    const r = await call('POST', '/v1/agent/register', { host, labels: {} });
    expect(r.status).toBe(200);
  }
}, 60_000);

afterAll(() => ctl.close());

/** One request on a connection of its own, closed after the answer. */
function call(method: string, path: string, body?: unknown): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${ctl.url}${path}`,
      {
        method,
        agent: false,
        headers: {
          authorization: `Bearer ${token}`,
          connection: 'close',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0 });
        });
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

describe('HTTP server limits', () => {
  it('cuts off a client that sends headers and part of a body, then stalls', async () => {
    const c = await rawConnection(ctl.port);
    c.socket.write(
      `POST /v1/physnets HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${token}\r\n` +
        'content-type: application/json\r\ncontent-length: 100\r\n\r\n{"name": "p',
    );
    // Configured 1 s; checked every 250 ms. Old default: 300 s.
    await within(c.closed, 8_000, 'stalled body closed');
    expect(c.received()).toMatch(/^HTTP\/1\.1 408/);
  }, 15_000);

  it('cuts off a client that stalls in its body after a refusal', async () => {
    const c = await rawConnection(ctl.port);
    c.socket.write(
      'POST /v1/physnets HTTP/1.1\r\nhost: x\r\n' +
        'content-type: application/json\r\ncontent-length: 100\r\n\r\n{"name": "p',
    );
    await within(c.closed, 8_000, 'stalled body closed');
    expect(c.received()).toMatch(/^HTTP\/1\.1 401/);
  }, 15_000);

  it('cuts off a client that stalls in its headers', async () => {
    const c = await rawConnection(ctl.port);
    c.socket.write(`GET /v1/hosts HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${token}\r\n`);
    await within(c.closed, 8_000, 'stalled headers closed');
  }, 15_000);

  it('closes an idle kept-alive connection', async () => {
    const c = await rawConnection(ctl.port);
    c.socket.write('GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n');
    // Configured 0.5 s; Node's default is 5 s.
    await within(c.closed, 3_000, 'idle keep-alive closed');
    expect(c.received()).toMatch(/^HTTP\/1\.1 200/);
  }, 15_000);

  it('lets a long poll wait past the request timeout', async () => {
    const t0 = Date.now();
    const r = await call('GET', '/v1/agent/hosts/h1/desired?after=999&waitSeconds=3');
    expect(r.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2_900);
  }, 15_000);

  it('refuses connections over the limit while the first ones keep working', async () => {
    // Three long polls (hosts h1-h3, so none replaces another) hold the three connections.
    const polls = ['h1', 'h2', 'h3'].map((h) =>
      call('GET', `/v1/agent/hosts/${h}/desired?after=999&waitSeconds=4`),
    );
    await new Promise((r) => setTimeout(r, 1_000));
    const over = await rawConnection(ctl.port);
    over.socket.write('GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n');
    await within(over.closed, 4_000, 'connection over the limit closed');
    expect(over.received()).toBe('');
    expect((await Promise.all(polls)).map((r) => r.status)).toEqual([200, 200, 200]);
    // Their connections closed, a new one is served.
    expect((await call('GET', '/healthz')).status).toBe(200);
  }, 20_000);

  it('defaults: 20,000 connections, a 30 s request timeout checked often enough to hold it', () => {
    expect(DEFAULT_CONFIG.http.maxConnections).toBe(20_000);
    const o = serverOptions(DEFAULT_CONFIG.http);
    expect(o.requestTimeout).toBe(30_000);
    expect(o.headersTimeout).toBeLessThanOrEqual(30_000);
    expect(o.connectionsCheckingInterval).toBeLessThanOrEqual(5_000);
    // Node refuses a headers timeout above the request timeout: it is clamped.
    expect(serverOptions({ ...HTTP, headersTimeoutMs: 60_000 }).headersTimeout).toBe(1_000);
  });
});
