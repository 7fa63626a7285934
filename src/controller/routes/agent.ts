import { agentRoutes } from '../../api/routes/agent.js';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { requireHost } from '../auth.js';
import type { AppEnv, ControllerDeps } from '../controller-deps.js';
import { recordApplied } from '../hosts/record-applied.js';
import { recordReport } from '../hosts/record-report.js';
import { recordHeartbeat } from '../hosts/record-heartbeat.js';
import { pollDesired } from '../hosts/poll-desired.js';
import { createIdleAgents } from '../idle-agents.js';
import { hostOut } from '../views.js';

export function registerAgentRoutes(app: OpenAPIHono<AppEnv>, deps: ControllerDeps): void {
  const now = () => new Date(deps.now()).toISOString();
  const staleBefore = () => new Date(deps.now() - deps.config.staleAfterMs).toISOString();
  const idle = createIdleAgents(deps);

  app.openapi(agentRoutes.register, async (c) => {
    const b = c.req.valid('json');
    requireHost(c.var.principal, b.host);
    const h = await deps.store.hosts.register(b.host, b.labels, now());
    return c.json(hostOut(h, staleBefore()), 200);
  });

  app.openapi(agentRoutes.report, async (c) => {
    const { id } = c.req.valid('param');
    requireHost(c.var.principal, id);
    const h = await recordReport(deps, id, c.req.valid('json'));
    return c.json({ ...hostOut(h, staleBefore()), reportDigest: h.reportDigest ?? null }, 200);
  });

  app.openapi(agentRoutes.heartbeat, async (c) => {
    const { id } = c.req.valid('param');
    requireHost(c.var.principal, id);
    return c.json(await recordHeartbeat(deps, idle, id, c.req.valid('json').digest), 200);
  });

  app.openapi(agentRoutes.desired, async (c) => {
    const { id } = c.req.valid('param');
    requireHost(c.var.principal, id);
    const q = c.req.valid('query');
    const answer = await pollDesired(
      deps,
      idle,
      id,
      c.var.principal.id,
      { ...q, brief: q.brief === 'true' },
      c.req.raw.signal,
    );
    return c.json(answer, 200);
  });

  app.openapi(agentRoutes.applied, async (c) => {
    const { id } = c.req.valid('param');
    requireHost(c.var.principal, id);
    const body = c.req.valid('json');
    const h = await recordApplied(deps, id, body);
    deps.metrics?.applied(body.ok, body.failedVfs.length);
    return c.json(hostOut(h, staleBefore()), 200);
  });
}
