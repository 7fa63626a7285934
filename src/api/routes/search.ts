import { createRoute } from '@hono/zod-openapi';
import { errorResponses, jsonOk, security } from '../schemas/common.js';
import { searchAnswerSchema, searchQuery } from '../schemas/search.js';

export const searchRoutes = {
  get: createRoute({
    method: 'get',
    path: '/v1/search',
    tags: ['search'],
    security,
    summary:
      'Find a MAC, PCI address, VLAN, instance, port, network or host (admin) with its whole chain (a tenant sees its own)',
    request: { query: searchQuery },
    responses: { 200: jsonOk(searchAnswerSchema, 'At most 50 chains'), ...errorResponses },
  }),
};
