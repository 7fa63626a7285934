import { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { VfleetError } from '../core/errors.js';
import { requestAuth } from './auth.js';
import type { AppEnv, ControllerDeps } from './controller-deps.js';
import { dashboardPage, registerDashboard } from './dashboard.js';
import { docsPage } from './docs-page.js';
import { refusalRecorder } from './events.js';
import { auditRefusals, auditScope } from './audit.js';
import { registerAuditRoutes } from './routes/audit.js';
import { errorResponse, tooLarge, validationError } from './http-errors.js';
import { requestGuard } from './request-guard.js';
import { CSRF_HEADER, SESSION_COOKIE } from './sessions/session-cookie.js';
import { registerAgentRoutes } from './routes/agent.js';
import { registerEventRoutes } from './routes/events.js';
import { registerFleetQueryRoutes } from './routes/fleet-queries.js';
import { registerSpecRoutes } from './routes/catalog.js';
import { registerHostRoutes } from './routes/hosts.js';
import { registerDatapathRoutes } from './routes/datapath.js';
import { registerInstanceRoutes } from './routes/instances.js';
import { registerNetworkRoutes } from './routes/networks.js';
import { registerPhysnetRoutes } from './routes/physnets.js';
import { registerQuotaRoutes } from './routes/quotas.js';
import { registerAllocationRoutes } from './routes/allocation.js';
import { registerRolloutRoutes } from './routes/rollouts.js';
import { registerSessionRoutes } from './routes/session.js';
import { registerTokenRoutes } from './routes/tokens.js';
import { registerVmRoutes } from './routes/vms.js';
import { httpMetrics } from './metrics/http-metrics.js';
import { requestLog } from './request-log.js';
import { registerMetricsRoute } from './metrics/metrics-route.js';

export const OPENAPI_INFO = {
  openapi: '3.0.3',
  info: {
    title: 'vfleet controller API',
    version: '0.1.0',
    description:
      'SR-IOV fleet: hosts, device specs, physical networks, networks, ports and instances. Every /v1 request carries `Authorization: Bearer <token>`, or the dashboard session cookie (`POST /v1/session`; writes with it also send `x-vfleet-csrf`); errors are `{code, message, details}` with `details.field` naming the input at fault.',
  },
};

/**
 * The controller's HTTP API. Request schemas validate and document at once
 * (zod -> OpenAPI); every error leaves through one handler.
 */
export function createControllerApp(
  deps: ControllerDeps,
  log: (e: unknown) => void = () => undefined,
): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error, result.target);
    },
  });
  app.onError((e, c) => errorResponse(e, c, log));
  // A GET no route answers is a page of the dashboard (a deep link); anything else is a 404.
  app.notFound(
    async (c) =>
      (await dashboardPage(c, deps.config.webRoot)) ??
      errorResponse(new VfleetError('NOT_FOUND', `no route ${c.req.method} ${c.req.path}`), c, log),
  );
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description: `the dashboard's session (POST /v1/session); writes also send header ${CSRF_HEADER}`,
  });

  // First: every answer carries its request id, and is logged with it.
  app.use('*', requestLog(deps));
  // Counts every answer by its route's template, the dashboard's and the refusals included.
  if (deps.metrics !== undefined) app.use('*', httpMetrics(deps.metrics, deps.elapsed));
  // Outermost: sees every answer, the refusals of the body limit and of auth included.
  app.use('/v1/*', refusalRecorder(deps));
  app.use('/v1/*', auditRefusals(deps));
  // Checks Content-Length up front, and counts the bytes of a chunked body as they arrive.
  // Not on GET and HEAD, which carry none: its first step asks the request for its body,
  // which makes the Node adapter build a whole undici Request (a copy of the headers, an
  // abort signal following its own), for every agent's long poll too (issue 14, P8: an idle
  // request at 10,000 agents went from 1.7 to 1.5 ms of CPU without it).
  const limit: MiddlewareHandler<AppEnv> = bodyLimit({
    maxSize: deps.config.bodyLimitBytes,
    onError: () => {
      throw tooLarge(deps.config.bodyLimitBytes);
    },
  });
  const limitBodies: MiddlewareHandler<AppEnv> = (c, next) =>
    c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limit(c, next);
  app.use('/v1/*', limitBodies);
  app.use('/v1/*', requestAuth(deps));
  // After auth (the actor is known), around every route: each store write records who asked.
  app.use('/v1/*', auditScope(deps));
  // After auth (no parsing for strangers), before any route: bad bytes never reach the store.
  app.use('/v1/*', requestGuard());

  registerHostRoutes(app, deps);
  registerDatapathRoutes(app, deps);
  registerSpecRoutes(app, deps);
  registerPhysnetRoutes(app, deps);
  registerNetworkRoutes(app, deps);
  registerInstanceRoutes(app, deps);
  registerTokenRoutes(app, deps);
  registerAgentRoutes(app, deps);
  registerVmRoutes(app, deps);
  registerQuotaRoutes(app, deps);
  registerAllocationRoutes(app, deps);
  registerRolloutRoutes(app, deps);
  registerEventRoutes(app, deps);
  registerAuditRoutes(app, deps);
  registerSessionRoutes(app, deps);
  registerFleetQueryRoutes(app, deps);

  app.doc('/openapi.json', OPENAPI_INFO);
  app.get('/docs', (c) => c.html(docsPage(app.getOpenAPIDocument(OPENAPI_INFO))));
  app.get('/healthz', (c) => c.json({ ok: true }));
  registerMetricsRoute(app, deps);
  registerDashboard(app, deps.config.webRoot);
  return app;
}
