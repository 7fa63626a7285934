import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { AppEnv } from '../controller-deps.js';
import type { ControllerMetrics } from './controller-metrics.js';

/** What a request no route answers is counted as (dashboard deep links, 404s). */
export const UNMATCHED_ROUTE = '(unmatched)';

/**
 * Counts every request by the route's template (`/v1/hosts/:id`), never the
 * raw path: the series stay as many as the routes, whatever clients send.
 * The route is the first handler that is not a middleware, so a request
 * auth refused still counts under the route it asked for.
 */
export function routeOf(c: Parameters<MiddlewareHandler<AppEnv>>[0]): string {
  const route = matchedRoutes(c).find((r) => r.method !== 'ALL');
  return route?.path ?? UNMATCHED_ROUTE;
}

export function httpMetrics(
  metrics: ControllerMetrics,
  elapsed: () => number,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const start = elapsed();
    try {
      await next();
    } finally {
      metrics.http(routeOf(c), c.req.method, c.res.status, (elapsed() - start) / 1000);
    }
  };
}
