import type { OpenAPIHono } from '@hono/zod-openapi';
import { capacityRoutes } from '../../api/routes/capacity.js';
import { searchRoutes } from '../../api/routes/search.js';
import { requireRole } from '../auth.js';
import type { AppEnv, ControllerDeps } from '../controller-deps.js';
import { fleetCapacity } from '../fleet/fleet-capacity.js';
import { searchFleet } from '../fleet/search-fleet.js';

/** The dashboard's views across the fleet: capacity and search. */
export function registerFleetQueryRoutes(app: OpenAPIHono<AppEnv>, deps: ControllerDeps): void {
  app.openapi(capacityRoutes.get, async (c) => {
    requireRole(c.var.principal, 'admin');
    return c.json(await fleetCapacity(deps), 200);
  });

  app.openapi(searchRoutes.get, async (c) => {
    requireRole(c.var.principal, 'admin', 'tenant');
    return c.json(await searchFleet(deps, c.var.principal, c.req.valid('query').q), 200);
  });
}
