import type { OpenAPIHono } from '@hono/zod-openapi';
import { rolloutRoutes } from '../../api/routes/rollouts.js';
import { VfleetError } from '../../core/errors.js';
import { requireRole } from '../auth.js';
import type { AppEnv, ControllerDeps } from '../controller-deps.js';
import { stepRollout } from '../rollouts/step-rollout.js';
import { rolloutDetailOut, rolloutOut } from '../views-rollouts.js';

export function registerRolloutRoutes(app: OpenAPIHono<AppEnv>, deps: ControllerDeps): void {
  app.openapi(rolloutRoutes.list, async (c) => {
    requireRole(c.var.principal, 'admin');
    const rollouts = await deps.store.rollouts.list(c.req.valid('query').limit ?? 50);
    const items = [];
    for (const r of rollouts) {
      const got = await deps.store.rollouts.get(r.id);
      items.push(rolloutOut(r, got?.hosts ?? []));
    }
    return c.json({ items }, 200);
  });

  app.openapi(rolloutRoutes.get, async (c) => {
    requireRole(c.var.principal, 'admin');
    const { id } = c.req.valid('param');
    const got = await deps.store.rollouts.get(id);
    if (got === null) throw new VfleetError('NOT_FOUND', `no rollout ${id}`);
    return c.json(rolloutDetailOut(got.rollout, got.hosts), 200);
  });

  for (const name of ['pause', 'resume', 'abort'] as const) {
    app.openapi(rolloutRoutes[name], async (c) => {
      requireRole(c.var.principal, 'admin');
      const { id } = c.req.valid('param');
      const body: { skipFailed?: boolean } = c.req.valid('json');
      const r = await stepRollout(deps, id, name, body.skipFailed === true);
      const got = await deps.store.rollouts.get(r.id);
      return c.json(rolloutOut(r, got?.hosts ?? []), 200);
    });
  }
}
