import type { OpenAPIHono } from '@hono/zod-openapi';
import { capacityRoutes } from '../../api/routes/capacity.js';
import { searchRoutes } from '../../api/routes/search.js';
import { specRoutes } from '../../api/routes/specs.js';
import { requireRole } from '../auth.js';
import type { AppEnv, ControllerDeps } from '../controller-deps.js';
import { fleetCapacity } from '../fleet/fleet-capacity.js';
import { searchFleet } from '../fleet/search-fleet.js';
import { specRollout } from '../fleet/spec-rollout.js';

/** The views across the fleet: capacity, search, and how far a spec is applied. */
export function registerFleetQueryRoutes(app: OpenAPIHono<AppEnv>, deps: ControllerDeps): void {
  app.openapi(capacityRoutes.get, async (c) => {
    requireRole(c.var.principal, 'admin');
    return c.json(await fleetCapacity(deps), 200);
  });

  app.openapi(searchRoutes.get, async (c) => {
    requireRole(c.var.principal, 'admin', 'tenant');
    return c.json(await searchFleet(deps, c.var.principal, c.req.valid('query').q), 200);
  });

  app.openapi(specRoutes.rollout, async (c) => {
    requireRole(c.var.principal, 'admin');
    const { id } = c.req.valid('param');
    return c.json(await specRollout(deps, id, c.req.valid('query').limit), 200);
  });
}
