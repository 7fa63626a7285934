import { physnetRoutes } from '../../api/routes/physnets.js';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { VfleetError } from '../../core/errors.js';
import { requireRole } from '../auth.js';
import type { AppEnv, ControllerDeps } from '../controller-deps.js';
import { LIST_KEYS, pageOut, pageQuery } from '../pagination.js';

/** Physical networks (admin-managed): the VLAN ranges tenant networks draw from. */
export function registerPhysnetRoutes(app: OpenAPIHono<AppEnv>, deps: ControllerDeps): void {
  const cat = deps.store.catalog;

  app.openapi(physnetRoutes.list, async (c) => {
    requireRole(c.var.principal, 'admin', 'tenant');
    const key = LIST_KEYS.physnets;
    const page = await cat.pagePhysnets(pageQuery(key, c.req.valid('query')));
    return c.json(
      pageOut(key, page, (p) => ({
        name: p.name,
        vlanRanges: p.vlanRanges.map((r) => ({ ...r })),
      })),
      200,
    );
  });
  app.openapi(physnetRoutes.create, async (c) => {
    requireRole(c.var.principal, 'admin');
    const b = c.req.valid('json');
    await cat.createPhysnet(b);
    return c.json(b, 201);
  });
  app.openapi(physnetRoutes.get, async (c) => {
    requireRole(c.var.principal, 'admin', 'tenant');
    const p = await cat.getPhysnet(c.req.valid('param').name);
    if (p === null) throw new VfleetError('NOT_FOUND', `no physnet ${c.req.valid('param').name}`);
    return c.json({ name: p.name, vlanRanges: p.vlanRanges.map((r) => ({ ...r })) }, 200);
  });
  app.openapi(physnetRoutes.update, async (c) => {
    requireRole(c.var.principal, 'admin');
    const { name } = c.req.valid('param');
    const p = await cat.updatePhysnet({ name, vlanRanges: c.req.valid('json').vlanRanges });
    if (p === null) throw new VfleetError('NOT_FOUND', `no physnet ${name}`);
    return c.json({ name: p.name, vlanRanges: p.vlanRanges.map((r) => ({ ...r })) }, 200);
  });
  app.openapi(physnetRoutes.remove, async (c) => {
    requireRole(c.var.principal, 'admin');
    const { name } = c.req.valid('param');
    if (!(await cat.removePhysnet(name))) throw new VfleetError('NOT_FOUND', `no physnet ${name}`);
    return c.body(null, 204);
  });
}
