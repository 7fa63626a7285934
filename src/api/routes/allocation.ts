import { createRoute } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { errorResponses, jsonBody, jsonOk, security } from '../schemas/common.js';
import {
  allocationRuleBodySchema,
  allocationRuleSchema,
  ruleNameParam,
} from '../schemas/host-maintenance.js';

export const allocationRoutes = {
  list: createRoute({
    method: 'get',
    path: '/v1/allocation-rules',
    tags: ['hosts'],
    security,
    summary: 'Allocation rules: CPU and memory ratios and what hosts keep for themselves (admin)',
    responses: {
      200: jsonOk(z.object({ items: z.array(allocationRuleSchema) }), 'The rules'),
      ...errorResponses,
    },
  }),
  put: createRoute({
    method: 'put',
    path: '/v1/allocation-rules/{name}',
    tags: ['hosts'],
    security,
    summary:
      'Create or replace an allocation rule for one host or the hosts with some labels (admin)',
    request: { params: ruleNameParam, body: jsonBody(allocationRuleBodySchema) },
    responses: { 200: jsonOk(allocationRuleSchema, 'The rule'), ...errorResponses },
  }),
  remove: createRoute({
    method: 'delete',
    path: '/v1/allocation-rules/{name}',
    tags: ['hosts'],
    security,
    summary: 'Delete an allocation rule; its hosts fall back to the next rule or none (admin)',
    request: { params: ruleNameParam },
    responses: { 204: { description: 'Deleted' }, ...errorResponses },
  }),
};
