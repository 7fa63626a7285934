import { specRoutes } from '../../api/routes/specs.js';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { VfleetError } from '../../core/errors.js';
import { requireRole } from '../auth.js';
import type { AppEnv, ControllerDeps } from '../controller-deps.js';
import { createSpec } from '../specs/create-spec.js';
import { removeSpec } from '../specs/remove-spec.js';
import { updateSpec } from '../specs/update-spec.js';
import { specOut } from '../views.js';
import { LIST_KEYS, pageOut, pageQuery } from '../pagination.js';

const KEY = LIST_KEYS.specs;

/** Device specs: what agents apply (numVfs, VF driver) and how VFs are tagged (physnet, trusted). */
export function registerSpecRoutes(app: OpenAPIHono<AppEnv>, deps: ControllerDeps): void {
  app.openapi(specRoutes.list, async (c) => {
    requireRole(c.var.principal, 'admin');
    const page = await deps.store.catalog.pageSpecs(pageQuery(KEY, c.req.valid('query')));
    return c.json(pageOut(KEY, page, specOut), 200);
  });

  app.openapi(specRoutes.create, async (c) => {
    requireRole(c.var.principal, 'admin');
    const created = await createSpec(deps, c.req.valid('json'));
    return c.json(specOut(created), 201);
  });

  app.openapi(specRoutes.get, async (c) => {
    requireRole(c.var.principal, 'admin');
    const { id } = c.req.valid('param');
    const s = await deps.store.catalog.getSpec(id);
    if (s === null) throw new VfleetError('NOT_FOUND', `no spec ${id}`);
    return c.json(specOut(s), 200);
  });

  app.openapi(specRoutes.update, async (c) => {
    requireRole(c.var.principal, 'admin');
    const { id } = c.req.valid('param');
    const updated = await updateSpec(deps, id, c.req.valid('json'));
    return c.json({ ...specOut(updated.spec), rollout: updated.rollout }, 200);
  });

  app.openapi(specRoutes.remove, async (c) => {
    requireRole(c.var.principal, 'admin');
    const { id } = c.req.valid('param');
    await removeSpec(deps, id);
    return c.body(null, 204);
  });
}
