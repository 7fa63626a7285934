import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { VfleetError } from '../core/errors.js';
import { jsonProblem, textProblem } from '../core/input-text.js';
import type { AppEnv } from './controller-deps.js';

/** Methods whose /v1 routes all take a JSON body (jsonBody(), required). */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Transport checks for every /v1 request, before any route sees it: the URL
 * (path segments and query values are valid percent-encoding and free of
 * control characters and unpaired surrogates) and, for body methods, a JSON
 * body (Content-Type, parses, no NUL or unpaired surrogate anywhere, bounded
 * depth). What passes can reach the store; what fails is INVALID_INPUT
 * naming the field, never a 500 from the database refusing it.
 */
export function requestGuard(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    checkUrl(c);
    if (BODY_METHODS.has(c.req.method)) await checkJsonBody(c);
    await next();
  };
}

const invalid = (field: string, message: string) =>
  new VfleetError('INVALID_INPUT', `${field}: ${message}`, { field });

function decoded(raw: string, field: string): string {
  let s: string;
  try {
    s = decodeURIComponent(raw);
  } catch {
    throw invalid(field, `"${raw.slice(0, 80)}" is not valid percent-encoding (UTF-8)`);
  }
  const problem = textProblem(s, true);
  if (problem !== null) throw invalid(field, problem);
  return s;
}

function checkUrl(c: Context<AppEnv>): void {
  const url = new URL(c.req.url);
  // The route's own pattern names the segment: /v1/hosts/:id -> path.id.
  const pattern = routePath(c, -1).split('/');
  url.pathname.split('/').forEach((raw, i) => {
    const name = pattern[i]?.startsWith(':') ? pattern[i].slice(1).replace(/\{.*$/, '') : null;
    decoded(raw, name === null ? 'path' : `path.${name}`);
  });
  for (const pair of url.search.replace(/^\?/, '').split('&')) {
    if (pair === '') continue;
    const [rawKey = '', rawValue = ''] = pair.replace(/\+/g, ' ').split(/=(.*)/s);
    const key = decoded(rawKey, 'query');
    decoded(rawValue, `query.${key}`);
  }
}

/**
 * Requires `Content-Type: application/json` (charset utf-8 if given) and
 * parses the body once: Hono keeps the text in its body cache (the body
 * stream is read once) and the route's validator gets this parse.
 *
 * A wrong or missing Content-Type is INVALID_INPUT (400) naming the header,
 * not a 415 with a code of its own: callers fix it like any other field, the
 * API's one rule stays "bad input = 400 naming the field", and the CLI's exit
 * code 2 already means exactly this; a new code would add a status and an
 * exit code to the closed set for no difference in what a caller does.
 */
async function checkJsonBody(c: Context<AppEnv>): Promise<void> {
  const type = c.req.header('content-type') ?? '';
  const [media = '', ...params] = type.split(';').map((p) => p.trim().toLowerCase());
  const charsetOk = params.every((p) => !p.startsWith('charset=') || /^charset="?utf-8"?$/.test(p));
  if (media !== 'application/json' || !charsetOk) {
    throw invalid(
      'Content-Type',
      `send the body as JSON with Content-Type: application/json, not ${type === '' ? 'none' : JSON.stringify(type.slice(0, 80))}`,
    );
  }
  const text = await c.req.text();
  if (text.trim() === '') throw invalid('(body)', 'a JSON body is required');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new VfleetError('INVALID_INPUT', `request body is not valid JSON: ${why}`, {
      field: '(body)',
    });
  }
  const problem = jsonProblem(body);
  if (problem !== null) throw invalid(problem.field, problem.reason);
  // The validator's c.req.json() answers this parse instead of parsing the cached text again.
  c.req.json = <T>() => Promise.resolve(body as T);
}
