import { createRoute } from '@hono/zod-openapi';
import { capacitySchema } from '../schemas/capacity.js';
import { errorResponses, jsonOk, security } from '../schemas/common.js';

export const capacityRoutes = {
  get: createRoute({
    method: 'get',
    path: '/v1/capacity',
    tags: ['hosts'],
    security,
    summary:
      "The fleet's capacity: hosts by health and readiness, VFs by state per physnet and per physnet and NUMA node (admin)",
    responses: { 200: jsonOk(capacitySchema, 'Capacity'), ...errorResponses },
  }),
};
