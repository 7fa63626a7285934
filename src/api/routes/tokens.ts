import { createRoute } from '@hono/zod-openapi';
import { errorResponses, idParam, jsonBody, jsonOk, security } from '../schemas/common.js';
import { tokenCreateSchema, tokenCreatedSchema, tokenSchema } from '../schemas/hosts.js';
import { pageQuerySchema, pageSchema } from '../schemas/pages.js';

export const tokenRoutes = {
  list: createRoute({
    method: 'get',
    path: '/v1/tokens',
    tags: ['tokens'],
    security,
    summary: 'List tokens, never their secrets, oldest first (admin)',
    request: { query: pageQuerySchema },
    responses: { 200: jsonOk(pageSchema(tokenSchema, 'TokenPage'), 'Tokens'), ...errorResponses },
  }),
  create: createRoute({
    method: 'post',
    path: '/v1/tokens',
    tags: ['tokens'],
    security,
    summary: 'Create a token; the secret is in this answer only (admin)',
    request: { body: jsonBody(tokenCreateSchema) },
    responses: { 201: jsonOk(tokenCreatedSchema, 'The token and its secret'), ...errorResponses },
  }),
  remove: createRoute({
    method: 'delete',
    path: '/v1/tokens/{id}',
    tags: ['tokens'],
    security,
    summary: 'Revoke a token (admin)',
    request: { params: idParam },
    responses: { 204: { description: 'Revoked' }, ...errorResponses },
  }),
};
