import { createRoute } from '@hono/zod-openapi';
import { errorResponses, jsonBody, jsonOk, security } from '../schemas/common.js';
import { pageQuerySchema, pageSchema } from '../schemas/pages.js';
import {
  quotaPatchSchema,
  quotaReportSchema,
  tenantParam,
  tenantQuotaSchema,
} from '../schemas/quotas.js';

export const quotaRoutes = {
  list: createRoute({
    method: 'get',
    path: '/v1/quotas',
    tags: ['quotas'],
    security,
    summary: 'Tenants with quota overrides (admin); a tenant sees its own',
    request: { query: pageQuerySchema },
    responses: {
      200: jsonOk(pageSchema(tenantQuotaSchema, 'TenantQuotaPage'), 'Overrides'),
      ...errorResponses,
    },
  }),
  get: createRoute({
    method: 'get',
    path: '/v1/quotas/{tenant}',
    tags: ['quotas'],
    security,
    summary: "A tenant's quota limits and usage (admin; a tenant its own)",
    request: { params: tenantParam },
    responses: { 200: jsonOk(quotaReportSchema, 'Limits and usage'), ...errorResponses },
  }),
  set: createRoute({
    method: 'put',
    path: '/v1/quotas/{tenant}',
    tags: ['quotas'],
    security,
    summary:
      'Override a tenant\'s quotas: a count, "unlimited", or null for the default; absent fields stay (admin)',
    request: { params: tenantParam, body: jsonBody(quotaPatchSchema) },
    responses: { 200: jsonOk(quotaReportSchema, 'Limits and usage'), ...errorResponses },
  }),
};
