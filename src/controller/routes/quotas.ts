import { quotaRoutes } from '../../api/routes/quotas.js';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { VfleetError } from '../../core/errors.js';
import { requireRole, tenantScope } from '../auth.js';
import type { AppEnv, ControllerDeps } from '../controller-deps.js';
import { LIST_KEYS, pageOut, pageQuery } from '../pagination.js';
import { quotaReport } from '../quota-report.js';

const KEY = LIST_KEYS.quotas;

export function registerQuotaRoutes(app: OpenAPIHono<AppEnv>, deps: ControllerDeps): void {
  const q = deps.store.quotas;
  const report = (tenant: string) => quotaReport(q, deps.config.quotas, tenant);

  app.openapi(quotaRoutes.list, async (c) => {
    const who = c.var.principal;
    requireRole(who, 'admin', 'tenant');
    const own = tenantScope(who);
    if (own !== null) {
      return c.json({ items: [{ tenant: own, ...(await q.get(own)) }], nextCursor: null }, 200);
    }
    const page = await q.list(pageQuery(KEY, c.req.valid('query')));
    return c.json(
      pageOut(KEY, page, (t) => ({ tenant: t.tenant, ...t.overrides })),
      200,
    );
  });

  app.openapi(quotaRoutes.get, async (c) => {
    const who = c.var.principal;
    requireRole(who, 'admin', 'tenant');
    const { tenant } = c.req.valid('param');
    const own = tenantScope(who);
    if (own !== null && own !== tenant) throw new VfleetError('NOT_FOUND', `no quota ${tenant}`);
    return c.json(await report(tenant), 200);
  });

  app.openapi(quotaRoutes.set, async (c) => {
    requireRole(c.var.principal, 'admin');
    const { tenant } = c.req.valid('param');
    await q.set(tenant, c.req.valid('json'));
    return c.json(await report(tenant), 200);
  });
}
