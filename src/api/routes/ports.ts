import { createRoute } from '@hono/zod-openapi';
import { errorResponses, idParam, jsonOk, security } from '../schemas/common.js';
import { portSchema } from '../schemas/instances.js';
import { portListQuery } from '../schemas/list-queries.js';
import { pageSchema } from '../schemas/pages.js';

export const portRoutes = {
  list: createRoute({
    method: 'get',
    path: '/v1/ports',
    tags: ['ports'],
    security,
    summary: 'List ports with their VFs (a tenant sees its own)',
    request: { query: portListQuery },
    responses: { 200: jsonOk(pageSchema(portSchema, 'PortPage'), 'Ports'), ...errorResponses },
  }),
  get: createRoute({
    method: 'get',
    path: '/v1/ports/{id}',
    tags: ['ports'],
    security,
    summary: 'One port',
    request: { params: idParam },
    responses: { 200: jsonOk(portSchema, 'The port'), ...errorResponses },
  }),
};
