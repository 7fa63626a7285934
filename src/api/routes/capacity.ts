import { createRoute } from '@hono/zod-openapi';
import { capacitySchema } from '../schemas/capacity.js';
import { errorResponses, jsonOk, security } from '../schemas/common.js';

export const capacityRoutes = {
  get: createRoute({
    method: 'get',
    path: '/v1/capacity',
    tags: ['hosts'],
    security,
    summary: 'VFs by state per physical network and per NUMA node, hosts by health (admin)',
    responses: { 200: jsonOk(capacitySchema, 'The capacity'), ...errorResponses },
  }),
};
