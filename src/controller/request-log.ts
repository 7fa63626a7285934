import type { MiddlewareHandler } from 'hono';
import type { Token } from '../core/fleet/model.js';
import type { LogLevel } from '../core/vocabulary.js';
import type { AppEnv, ControllerDeps } from './controller-deps.js';
import { routeOf } from './metrics/http-metrics.js';

/** An incoming X-Request-Id kept as it is: short, printable, no spaces (else one is made). */
const INCOMING_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Which route parameter names a host or an instance (`/v1/hosts/:id`, `/v1/instances/:id/...`). */
function namedIn(route: string, path: string): { host?: string; instance?: string } {
  const r = route.split('/');
  const p = path.split('/');
  const out: { host?: string; instance?: string } = {};
  for (const [i, seg] of r.entries()) {
    if (!seg.startsWith(':')) continue;
    const value = decodeURIComponent(p[i] ?? '');
    if (r[i - 1] === 'hosts') out.host = value;
    if (r[i - 1] === 'instances') out.instance = value;
  }
  return out;
}

/**
 * Writes every agent sends on a timer whatever happens, answered: as
 * routine as its long polls, so logged like them (a fleet of 10,000 agents
 * heartbeats several hundred times a second).
 */
const ROUTINE_WRITES = new Set(['/v1/agent/hosts/:id/heartbeat']);

/**
 * Errors at error, writes and refusals at info; reads, long polls and agents'
 * heartbeats at debug (no flood).
 */
function levelOf(method: string, route: string, status: number): LogLevel {
  if (status >= 500) return 'error';
  if (status >= 400) return 'info';
  return WRITES.has(method) && !ROUTINE_WRITES.has(route) ? 'info' : 'debug';
}

/**
 * Gives every request an id (a sane incoming `X-Request-Id`, else a new
 * one), answers it in `X-Request-Id`, and logs one line per answer: the id,
 * method, route template, status, duration, the token's name (never its
 * secret) and the host or instance the route names.
 */
export function requestLog(
  deps: Pick<ControllerDeps, 'ids' | 'elapsed' | 'logger'>,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const reqId = incoming !== undefined && INCOMING_ID.test(incoming) ? incoming : deps.ids.uuid();
    c.set('requestId', reqId);
    // Before the answer is made, so the route's answer carries it: set on a finished
    // answer, Hono copies the answer, which on Node builds a whole undici Response and
    // reads its body back through a stream (issue 14, P8: every long poll paid for it).
    c.header('X-Request-Id', reqId);
    const start = deps.elapsed();
    await next();
    // An answer made as a bare Response (not through the context) lacks it.
    if (!c.res.headers.has('X-Request-Id')) c.header('X-Request-Id', reqId);
    const logger = deps.logger;
    if (logger === undefined) return;
    const route = routeOf(c);
    const status = c.res.status;
    const level = levelOf(c.req.method, route, status);
    if (logger.enabled?.(level) === false) return;
    const token = (c.get('principal') as Token | undefined)?.name;
    logger.log(level, `${c.req.method} ${route} ${String(status)}`, {
      reqId,
      method: c.req.method,
      route,
      status,
      durationMs: Math.round((deps.elapsed() - start) * 10) / 10,
      ...(token === undefined ? {} : { token }),
      ...namedIn(route, c.req.path),
    });
  };
}
