import { createRoute } from '@hono/zod-openapi';
import { errorResponses, jsonOk, security } from '../schemas/common.js';
import { searchAnswerSchema, searchQuerySchema } from '../schemas/search.js';

export const searchRoutes = {
  get: createRoute({
    method: 'get',
    path: '/v1/search',
    tags: ['search'],
    security,
    summary:
      'Find a MAC, PCI address, VLAN, instance, port, network or host, each with its whole chain (admin, tenant: own)',
    description:
      'Each hit names the host, NUMA node, PF, VF, port, instance, network and tenant around the match. Tenant tokens find only their own ports, instances and networks.',
    request: { query: searchQuerySchema },
    responses: { 200: jsonOk(searchAnswerSchema, 'Search results'), ...errorResponses },
  }),
};
