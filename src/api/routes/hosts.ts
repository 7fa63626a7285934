import { createRoute } from '@hono/zod-openapi';
import { errorResponses, idParam, jsonBody, jsonOk, security } from '../schemas/common.js';
import {
  hostDetailSchema,
  hostPatchSchema,
  hostSchema,
  hostSummarySchema,
} from '../schemas/hosts.js';
import { hostListQuery } from '../schemas/list-queries.js';
import { pageSchema } from '../schemas/pages.js';

export const hostRoutes = {
  list: createRoute({
    method: 'get',
    path: '/v1/hosts',
    tags: ['hosts'],
    security,
    summary:
      'List hosts with health, readiness and VF counts, filtered and sorted, a page at a time (admin)',
    request: { query: hostListQuery },
    responses: {
      200: jsonOk(pageSchema(hostSummarySchema, 'HostPage'), 'Hosts'),
      ...errorResponses,
    },
  }),
  get: createRoute({
    method: 'get',
    path: '/v1/hosts/{id}',
    tags: ['hosts'],
    security,
    summary:
      'One host as a map: its PFs, their VFs and the instance, network, MAC and VLAN holding each (admin)',
    request: { params: idParam },
    responses: { 200: jsonOk(hostDetailSchema, 'The host'), ...errorResponses },
  }),
  update: createRoute({
    method: 'patch',
    path: '/v1/hosts/{id}',
    tags: ['hosts'],
    security,
    summary: "Set a host's labels (aggregates) (admin)",
    request: { params: idParam, body: jsonBody(hostPatchSchema) },
    responses: { 200: jsonOk(hostSchema, 'The host'), ...errorResponses },
  }),
};
