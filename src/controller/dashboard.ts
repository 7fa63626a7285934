import { readFile, realpath, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { getMimeType } from 'hono/utils/mime';
import type { AppEnv } from './controller-deps.js';

/**
 * Serves the built dashboard (`npm run build` writes it to dist/web): the
 * files under `assets/` as they are; every other GET path that is not the
 * API's answers index.html (`dashboardPage`, from the app's not-found
 * handler, so no catch-all route hides the API's own routes), and a deep
 * link (/hosts/hv-a) opens the page that draws it.
 */
export function registerDashboard(app: OpenAPIHono<AppEnv>, webRoot: string | null): void {
  app.get('/assets/*', async (c) => {
    const file = webRoot === null ? null : await assetFile(webRoot, new URL(c.req.url).pathname);
    if (file === null) return c.notFound();
    const body = await readFile(file);
    secure(c);
    // Vite names each asset by its content hash: a changed file is a new name.
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    c.header('Content-Type', getMimeType(file) ?? 'application/octet-stream');
    return c.body(body, 200);
  });
}

/** index.html (or the not-built page) for a GET of a page path; null for anything else. */
export async function dashboardPage(
  c: Context<AppEnv>,
  webRoot: string | null,
): Promise<Response | null> {
  if ((c.req.method !== 'GET' && c.req.method !== 'HEAD') || NOT_PAGES.test(c.req.path))
    return null;
  const page = webRoot === null ? null : await readIndex(webRoot);
  secure(c);
  // Always asked again: it names the current build's assets.
  c.header('Cache-Control', 'no-cache');
  return c.html(page ?? NOT_BUILT, 200);
}

/** Paths that are never the page: the API, its documents, health, and assets (never a page). */
const NOT_PAGES = /^\/(v1(\/|$)|docs$|openapi\.json$|healthz$|assets(\/|$))/;

/**
 * The dashboard's scripts and styles come from this origin only; no inline
 * script, no other site, no framing (clickjacking), no referrer sent.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function secure(c: Context<AppEnv>): void {
  c.header('Content-Security-Policy', CSP);
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('X-Frame-Options', 'DENY');
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>vfleet</title></head>
<body><h1>vfleet</h1>
<p>The dashboard is not built. Run <code>npm run build</code> in the vfleet checkout, then reload this page.</p>
<p>The API answers meanwhile: <a href="/docs">API reference</a>.</p>
</body></html>
`;

async function readIndex(root: string): Promise<string | null> {
  try {
    return await readFile(join(root, 'index.html'), 'utf8');
  } catch {
    return null;
  }
}

/**
 * The file under ROOT/assets a URL path names, or null: each segment is
 * percent-decoded once and must be a plain name (no `..`, `.`, empty, dot
 * file, backslash or NUL), and the file, symlinks resolved, must lie inside
 * the assets folder.
 */
export async function assetFile(root: string, urlPath: string): Promise<string | null> {
  const segments = urlPath.replace(/^\/assets\//, '').split('/');
  const names: string[] = [];
  for (const raw of segments) {
    let name: string;
    try {
      name = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (name === '' || name.startsWith('.') || /[\\/\0]/.test(name)) return null;
    names.push(name);
  }
  const dir = resolve(root, 'assets');
  try {
    const file = await realpath(join(dir, ...names));
    const inside = file.startsWith(`${await realpath(dir)}${sep}`);
    return inside && (await stat(file)).isFile() ? file : null;
  } catch {
    return null;
  }
}
