import { createRoute } from '@hono/zod-openapi';
import { errorResponses, idParam, jsonBody, jsonOk, security } from '../schemas/common.js';
import {
  hostDetailSchema,
  hostPatchSchema,
  hostSchema,
  hostSummarySchema,
} from '../schemas/hosts.js';
import { hostListQuery } from '../schemas/list-queries.js';
import {
  cordonBodySchema,
  drainBodySchema,
  hostCordonSchema,
  hostDrainSchema,
  uncordonBodySchema,
} from '../schemas/host-maintenance.js';
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
  cordon: createRoute({
    method: 'post',
    path: '/v1/hosts/{id}/cordon',
    tags: ['hosts'],
    security,
    summary: 'Cordon a host: no new instances and no migrations to it; those on it stay (admin)',
    request: { params: idParam, body: jsonBody(cordonBodySchema) },
    responses: { 200: jsonOk(hostCordonSchema, 'The cordon'), ...errorResponses },
  }),
  uncordon: createRoute({
    method: 'post',
    path: '/v1/hosts/{id}/uncordon',
    tags: ['hosts'],
    security,
    summary:
      'Uncordon a host: it takes new instances again; a drain under way is cancelled (admin)',
    request: { params: idParam, body: jsonBody(uncordonBodySchema) },
    responses: { 200: jsonOk(hostCordonSchema, 'The cordon'), ...errorResponses },
  }),
  drain: createRoute({
    method: 'post',
    path: '/v1/hosts/{id}/drain',
    tags: ['hosts'],
    security,
    summary:
      'Cordon a host and live-migrate every instance away, a few at a time; GET follows it (admin)',
    request: { params: idParam, body: jsonBody(drainBodySchema) },
    responses: { 202: jsonOk(hostDrainSchema, 'The drain, started'), ...errorResponses },
  }),
  drainStatus: createRoute({
    method: 'get',
    path: '/v1/hosts/{id}/drain',
    tags: ['hosts'],
    security,
    summary: "A host's last drain: its state, and the instances that cannot move with why (admin)",
    request: { params: idParam },
    responses: { 200: jsonOk(hostDrainSchema, 'The drain'), ...errorResponses },
  }),
};
