import { networkRoutes } from '../../api/routes/networks.js';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { requireRole, tenantScope } from '../auth.js';
import type { AppEnv, ControllerDeps } from '../controller-deps.js';
import { createNetwork } from '../networks/create-network.js';
import { ownedNetwork } from '../networks/owned-network.js';
import { removeNetwork } from '../networks/remove-network.js';
import { updateNetwork } from '../networks/update-network.js';
import { LIST_KEYS, pageOut, pageQuery } from '../pagination.js';
import { networkOut } from '../views.js';

export function registerNetworkRoutes(app: OpenAPIHono<AppEnv>, deps: ControllerDeps): void {
  app.openapi(networkRoutes.list, async (c) => {
    requireRole(c.var.principal, 'admin', 'tenant');
    const key = LIST_KEYS.networks;
    const q = pageQuery(key, c.req.valid('query'));
    const page = await deps.store.catalog.pageNetworks(tenantScope(c.var.principal), q);
    return c.json(pageOut(key, page, networkOut), 200);
  });
  app.openapi(networkRoutes.create, async (c) => {
    requireRole(c.var.principal, 'admin', 'tenant');
    const n = await createNetwork(deps, c.var.principal, c.req.valid('json'));
    return c.json(networkOut(n), 201);
  });
  app.openapi(networkRoutes.get, async (c) => {
    requireRole(c.var.principal, 'admin', 'tenant');
    const n = await ownedNetwork(deps, c.var.principal, c.req.valid('param').id);
    return c.json(networkOut(n), 200);
  });
  app.openapi(networkRoutes.update, async (c) => {
    requireRole(c.var.principal, 'admin', 'tenant');
    const { id } = c.req.valid('param');
    const n = await updateNetwork(deps, c.var.principal, id, c.req.valid('json'));
    return c.json(networkOut(n), 200);
  });
  app.openapi(networkRoutes.remove, async (c) => {
    requireRole(c.var.principal, 'admin', 'tenant');
    await removeNetwork(deps, c.var.principal, c.req.valid('param').id);
    return c.body(null, 204);
  });
}
