import type { OpenAPIHono } from '@hono/zod-openapi';
import { allocationRoutes } from '../../api/routes/allocation.js';
import { VfleetError } from '../../core/errors.js';
import { requireRole } from '../auth.js';
import type { AppEnv, ControllerDeps } from '../controller-deps.js';
import { setAllocationRule } from '../hosts/set-allocation-rule.js';
import { allocationRuleOut } from '../views-maintenance.js';

export function registerAllocationRoutes(app: OpenAPIHono<AppEnv>, deps: ControllerDeps): void {
  app.openapi(allocationRoutes.list, async (c) => {
    requireRole(c.var.principal, 'admin');
    const rules = await deps.store.maintenance.allocationRules();
    return c.json({ items: rules.map(allocationRuleOut) }, 200);
  });

  app.openapi(allocationRoutes.put, async (c) => {
    requireRole(c.var.principal, 'admin');
    const { name } = c.req.valid('param');
    const rule = await setAllocationRule(deps, name, c.req.valid('json'));
    return c.json(allocationRuleOut(rule), 200);
  });

  app.openapi(allocationRoutes.remove, async (c) => {
    requireRole(c.var.principal, 'admin');
    const { name } = c.req.valid('param');
    if (!(await deps.store.maintenance.deleteAllocationRule(name)))
      throw new VfleetError('NOT_FOUND', `no allocation rule ${name}`);
    return c.body(null, 204);
  });
}
