import type { OpenAPIHono } from '@hono/zod-openapi';
import { requestAuth, requireRole } from '../auth.js';
import type { AppEnv, ControllerDeps } from '../controller-deps.js';

/**
 * `GET /metrics`: Prometheus text exposition, outside /v1 (it is for a
 * scraper, not the API's clients). Open by default: it holds counts only
 * (docs/security.md says what they tell); `--metrics-token-required` asks
 * for an admin token like any /v1 call.
 */
export function registerMetricsRoute(app: OpenAPIHono<AppEnv>, deps: ControllerDeps): void {
  const metrics = deps.metrics;
  if (metrics === undefined) return;
  if (deps.config.metricsTokenRequired) {
    app.use('/metrics', requestAuth(deps));
    app.use('/metrics', async (c, next) => {
      requireRole(c.var.principal, 'admin');
      await next();
    });
  }
  app.get('/metrics', async (c) => {
    const body = await metrics.registry.metrics();
    c.header('Content-Type', metrics.registry.contentType);
    c.header('Cache-Control', 'no-store');
    return c.body(body, 200);
  });
}
