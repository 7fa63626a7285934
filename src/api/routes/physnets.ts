import { createRoute } from '@hono/zod-openapi';
import { physnetSchema, physnetUpdateSchema } from '../schemas/catalog.js';
import { errorResponses, jsonBody, jsonOk, nameParam, security } from '../schemas/common.js';
import { pageQuerySchema, pageSchema } from '../schemas/pages.js';

export const physnetRoutes = {
  list: createRoute({
    method: 'get',
    path: '/v1/physnets',
    tags: ['physnets'],
    security,
    summary: 'List physical networks (admin, tenant)',
    request: { query: pageQuerySchema },
    responses: {
      200: jsonOk(pageSchema(physnetSchema, 'PhysnetPage'), 'Physnets'),
      ...errorResponses,
    },
  }),
  create: createRoute({
    method: 'post',
    path: '/v1/physnets',
    tags: ['physnets'],
    security,
    summary: 'Create a physical network with its tenant VLAN ranges (admin)',
    request: { body: jsonBody(physnetSchema) },
    responses: { 201: jsonOk(physnetSchema, 'The physnet'), ...errorResponses },
  }),
  get: createRoute({
    method: 'get',
    path: '/v1/physnets/{name}',
    tags: ['physnets'],
    security,
    summary: 'One physical network (admin, tenant)',
    request: { params: nameParam },
    responses: { 200: jsonOk(physnetSchema, 'The physnet'), ...errorResponses },
  }),
  update: createRoute({
    method: 'patch',
    path: '/v1/physnets/{name}',
    tags: ['physnets'],
    security,
    summary: 'New VLAN ranges; they must keep the VLAN of every network on it (admin)',
    request: { params: nameParam, body: jsonBody(physnetUpdateSchema) },
    responses: { 200: jsonOk(physnetSchema, 'The physnet'), ...errorResponses },
  }),
  remove: createRoute({
    method: 'delete',
    path: '/v1/physnets/{name}',
    tags: ['physnets'],
    security,
    summary: 'Delete an unused physical network (admin)',
    request: { params: nameParam },
    responses: { 204: { description: 'Deleted' }, ...errorResponses },
  }),
};
