import { createRoute } from '@hono/zod-openapi';
import { networkCreateSchema, networkSchema, networkUpdateSchema } from '../schemas/catalog.js';
import { errorResponses, idParam, jsonBody, jsonOk, security } from '../schemas/common.js';
import { pageQuerySchema, pageSchema } from '../schemas/pages.js';

export const networkRoutes = {
  list: createRoute({
    method: 'get',
    path: '/v1/networks',
    tags: ['networks'],
    security,
    summary: 'List networks (a tenant sees its own)',
    request: { query: pageQuerySchema },
    responses: {
      200: jsonOk(pageSchema(networkSchema, 'NetworkPage'), 'Networks'),
      ...errorResponses,
    },
  }),
  create: createRoute({
    method: 'post',
    path: '/v1/networks',
    tags: ['networks'],
    security,
    summary: 'Create a network: a physnet and a VLAN (the lowest free one when omitted)',
    request: { body: jsonBody(networkCreateSchema) },
    responses: { 201: jsonOk(networkSchema, 'The network'), ...errorResponses },
  }),
  get: createRoute({
    method: 'get',
    path: '/v1/networks/{id}',
    tags: ['networks'],
    security,
    summary: 'One network',
    request: { params: idParam },
    responses: { 200: jsonOk(networkSchema, 'The network'), ...errorResponses },
  }),
  update: createRoute({
    method: 'patch',
    path: '/v1/networks/{id}',
    tags: ['networks'],
    security,
    summary: 'Rename a network; a new VLAN or physnet only while no port uses it',
    request: { params: idParam, body: jsonBody(networkUpdateSchema) },
    responses: { 200: jsonOk(networkSchema, 'The network'), ...errorResponses },
  }),
  remove: createRoute({
    method: 'delete',
    path: '/v1/networks/{id}',
    tags: ['networks'],
    security,
    summary: 'Delete a network without ports',
    request: { params: idParam },
    responses: { 204: { description: 'Deleted' }, ...errorResponses },
  }),
};
