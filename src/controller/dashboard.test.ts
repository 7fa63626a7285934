import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/controller-harness.js';
import { rawConnection, within } from '../testing/raw-socket.js';

const INDEX =
  '<!doctype html><html><head><script type="module" src="/assets/app-1a2b.js"></script></head><body><div id="root"></div></body></html>';
const APP_JS = 'console.log("dashboard");\n';
const SECRET = 'not-for-the-web-3f9c';

let home: string;
let h: Harness;
let server: ReturnType<typeof serve>;
let port: number;

beforeAll(async () => {
  // HOME/web is the web root; HOME/secret.txt and HOME/package.json lie beside it.
  home = await mkdtemp(join(tmpdir(), 'vfleet-web-'));
  const web = join(home, 'web');
  await mkdir(join(web, 'assets'), { recursive: true });
  await writeFile(join(web, 'index.html'), INDEX);
  await writeFile(join(web, 'assets', 'app-1a2b.js'), APP_JS);
  await writeFile(join(web, 'assets', 'app-1a2b.css'), 'body{margin:0}');
  await writeFile(join(home, 'secret.txt'), SECRET);
  await writeFile(join(home, 'package.json'), `{"name":"${SECRET}"}`);
  await writeFile(join(web, '.env'), SECRET);
  await symlink(join(home, 'secret.txt'), join(web, 'assets', 'link.js'));
  h = await startHarness('pglite', { webRoot: web });
  server = await new Promise((resolve) => {
    const s = serve({ fetch: h.app.fetch, hostname: '127.0.0.1', port: 0 }, () => {
      resolve(s);
    });
  });
  port = (server.address() as AddressInfo).port;
}, 60_000);
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await h.close();
  await rm(home, { recursive: true, force: true });
});

const get = (path: string) => fetch(`http://127.0.0.1:${port}${path}`);

/** Sends `path` as written, byte for byte (fetch would normalize `..` away), and answers status and body. */
async function rawGet(path: string): Promise<{ status: number; text: string }> {
  const conn = await rawConnection(port);
  conn.socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
  await within(conn.closed, 5_000, `GET ${path}`);
  const text = conn.received();
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]), text };
}

function expectSecurityHeaders(res: Response): void {
  const csp = res.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain('unsafe-inline');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
}

describe('the dashboard', () => {
  it('answers index.html at / and at every deep link, with the security headers', async () => {
    for (const path of ['/', '/hosts/hv-a', '/instances/3f2a?tab=xml', '/search', '/v1x']) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expectSecurityHeaders(res);
      expect(await res.text()).toBe(INDEX);
    }
  });

  it('serves assets as they are, with a long cache', async () => {
    const res = await get('/assets/app-1a2b.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expectSecurityHeaders(res);
    expect(await res.text()).toBe(APP_JS);
    expect((await get('/assets/app-1a2b.css')).headers.get('content-type')).toMatch(/^text\/css/);
  });

  it('a missing asset is a 404, not the page', async () => {
    const res = await get('/assets/gone-9.js');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'NOT_FOUND' });
    expect((await get('/assets')).status).toBe(404);
  });

  it('never answers a file outside the assets folder, however the path is spelled', async () => {
    const tries = [
      '/assets/../../package.json',
      '/assets/../secret.txt',
      '/assets/../../secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/..%2F..%2Fpackage.json',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/assets/%252e%252e%252f%252e%252e%252fsecret.txt',
      '/assets/..%5c..%5csecret.txt',
      '/assets/..\\..\\secret.txt',
      '/assets/%2fetc%2fpasswd',
      '/assets//etc/passwd',
      '/assets/.%2e/.%2e/secret.txt',
      '/assets/%00../secret.txt',
      '/assets/%c0%ae%c0%ae/secret.txt',
      '/assets/link.js',
      '/.env',
      '/assets/../.env',
      '/assets/%2e%2e/.env',
    ];
    for (const path of tries) {
      const r = await rawGet(path);
      expect(r.text, path).not.toContain(SECRET);
      expect(r.text, path).not.toContain('root:');
      // Either refused, or (a path the URL parser resolved away from /assets) the page.
      if (r.status === 200) expect(r.text, path).toContain('<div id="root">');
      else expect([400, 404], path).toContain(r.status);
    }
  });

  it('leaves the API, its documents and health alone', async () => {
    expect(await (await get('/healthz')).json()).toEqual({ ok: true });
    expect((await get('/openapi.json')).headers.get('content-type')).toMatch(/json/);
    expect(await (await get('/docs')).text()).toContain('vfleet controller API');
    const api = await fetch(`http://127.0.0.1:${port}/v1/nothing-here`, {
      headers: { authorization: `Bearer ${h.admin}` },
    });
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ code: 'NOT_FOUND' });
    expect((await get('/v1/hosts')).status).toBe(401);
    const post = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST' });
    expect(post.status).toBe(404);
  });
});

describe('without a built dashboard', () => {
  it.each([
    ['a web root without index.html', 'empty'],
    ['no web root', null],
  ] as const)('%s: / says to run npm run build', async (_what, sub) => {
    const empty = await mkdtemp(join(tmpdir(), 'vfleet-web-empty-'));
    const other = await startHarness('pglite', { webRoot: sub === null ? null : empty });
    try {
      const res = await other.app.request('/hosts/hv-a');
      expect(res.status).toBe(200);
      expectSecurityHeaders(res);
      const text = await res.text();
      expect(text).toContain('The dashboard is not built');
      expect(text).toContain('npm run build');
      expect((await other.app.request('/assets/app.js')).status).toBe(404);
    } finally {
      await other.close();
      await rm(empty, { recursive: true, force: true });
    }
  });
});
