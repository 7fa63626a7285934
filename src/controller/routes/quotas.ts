import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { VfleetError } from '../../core/errors.js';
import { requireRole, tenantScope } from '../auth.js';
import type { AppEnv, ControllerDeps } from '../controller-deps.js';
import { LIST_KEYS, pageOut, pageQuery, pageQuerySchema, pageSchema } from '../pagination.js';
import { quotaReport } from '../quota-report.js';
import { errorResponses, jsonBody, jsonOk, security } from '../schemas/common.js';
import {
  quotaPatchSchema,
  quotaReportSchema,
  tenantParam,
  tenantQuotaSchema,
} from '../schemas/quotas.js';

const KEY = LIST_KEYS.quotas;

export function registerQuotaRoutes(app: OpenAPIHono<AppEnv>, deps: ControllerDeps): void {
  const tags = ['quotas'];
  const q = deps.store.quotas;
  const report = (tenant: string) => quotaReport(q, deps.config.quotas, tenant);

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/quotas',
      tags,
      security,
      summary: 'Tenants with quota overrides (admin); a tenant sees its own',
      request: { query: pageQuerySchema },
      responses: {
        200: jsonOk(pageSchema(tenantQuotaSchema, 'TenantQuotaPage'), 'Overrides'),
        ...errorResponses,
      },
    }),
    async (c) => {
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
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/quotas/{tenant}',
      tags,
      security,
      summary: "A tenant's quota limits and usage (admin; a tenant its own)",
      request: { params: tenantParam },
      responses: { 200: jsonOk(quotaReportSchema, 'Limits and usage'), ...errorResponses },
    }),
    async (c) => {
      const who = c.var.principal;
      requireRole(who, 'admin', 'tenant');
      const { tenant } = c.req.valid('param');
      const own = tenantScope(who);
      if (own !== null && own !== tenant) throw new VfleetError('NOT_FOUND', `no quota ${tenant}`);
      return c.json(await report(tenant), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/v1/quotas/{tenant}',
      tags,
      security,
      summary:
        'Override a tenant\'s quotas: a count, "unlimited", or null for the default; absent fields stay (admin)',
      request: { params: tenantParam, body: jsonBody(quotaPatchSchema) },
      responses: { 200: jsonOk(quotaReportSchema, 'Limits and usage'), ...errorResponses },
    }),
    async (c) => {
      requireRole(c.var.principal, 'admin');
      const { tenant } = c.req.valid('param');
      await q.set(tenant, c.req.valid('json'));
      return c.json(await report(tenant), 200);
    },
  );
}
