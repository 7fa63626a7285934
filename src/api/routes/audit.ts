import { createRoute } from '@hono/zod-openapi';
import { auditListQuery, auditRecordSchema } from '../schemas/audit.js';
import { errorResponses, jsonOk, security } from '../schemas/common.js';
import { pageSchema } from '../schemas/pages.js';

export const auditRoutes = {
  list: createRoute({
    method: 'get',
    path: '/v1/audit',
    tags: ['audit'],
    security,
    summary:
      'The audit log: every change through the API and every change the fleet made on its own',
    description:
      'Admin tokens only (a tenant token gets 403). Each record names who (token name, role, tenant, or the fleet), what (action, object, before and after, secrets redacted), the VFs and MACs touched, the result and when. Filters combine; `?vf=0000:3b:10.2&since=...&until=...` answers who held a VF then. Newest first unless `?order=asc`.',
    request: { query: auditListQuery },
    responses: {
      200: jsonOk(pageSchema(auditRecordSchema, 'AuditPage'), 'Audit records'),
      ...errorResponses,
    },
  }),
};
