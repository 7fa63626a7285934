import { createRoute } from '@hono/zod-openapi';
import {
  specCreateSchema,
  specSchema,
  specUpdateSchema,
  specUpdatedSchema,
} from '../schemas/catalog.js';
import { errorResponses, idParam, jsonBody, jsonOk, security } from '../schemas/common.js';
import { pageQuerySchema, pageSchema } from '../schemas/pages.js';
import { specRolloutQuerySchema, specRolloutSchema } from '../schemas/spec-rollout.js';

export const specRoutes = {
  list: createRoute({
    method: 'get',
    path: '/v1/specs',
    tags: ['specs'],
    security,
    summary: 'List device specs, oldest (governing) first (admin)',
    request: { query: pageQuerySchema },
    responses: { 200: jsonOk(pageSchema(specSchema, 'SpecPage'), 'Specs'), ...errorResponses },
  }),
  create: createRoute({
    method: 'post',
    path: '/v1/specs',
    tags: ['specs'],
    security,
    summary: 'Declare a device spec; agents of matching hosts apply it (admin)',
    request: { body: jsonBody(specCreateSchema) },
    responses: { 201: jsonOk(specSchema, 'The spec'), ...errorResponses },
  }),
  get: createRoute({
    method: 'get',
    path: '/v1/specs/{id}',
    tags: ['specs'],
    security,
    summary: 'One device spec (admin)',
    request: { params: idParam },
    responses: { 200: jsonOk(specSchema, 'The spec'), ...errorResponses },
  }),
  update: createRoute({
    method: 'patch',
    path: '/v1/specs/{id}',
    tags: ['specs'],
    security,
    summary:
      'Change a device spec, checked as a new one, at once or in waves (a rollout); never takes VFs from their ports (admin)',
    request: { params: idParam, body: jsonBody(specUpdateSchema) },
    responses: { 200: jsonOk(specUpdatedSchema, 'The spec, and its rollout'), ...errorResponses },
  }),
  remove: createRoute({
    method: 'delete',
    path: '/v1/specs/{id}',
    tags: ['specs'],
    security,
    summary: 'Delete a device spec; its PFs are no longer managed (admin)',
    request: { params: idParam },
    responses: { 204: { description: 'Deleted' }, ...errorResponses },
  }),
  rollout: createRoute({
    method: 'get',
    path: '/v1/specs/{id}/rollout',
    tags: ['specs'],
    security,
    summary:
      'How far the hosts a spec governs PFs of have applied it: counts, and the hosts not done first (admin; what `spec --wait` polls)',
    request: { params: idParam, query: specRolloutQuerySchema },
    responses: { 200: jsonOk(specRolloutSchema, 'The rollout'), ...errorResponses },
  }),
};
