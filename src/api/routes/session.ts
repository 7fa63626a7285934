import { createRoute } from '@hono/zod-openapi';
import { errorResponses, jsonBody, jsonOk } from '../schemas/common.js';
import { sessionCreateSchema, sessionSchema } from '../schemas/session.js';

export const sessionRoutes = {
  create: createRoute({
    method: 'post',
    path: '/v1/session',
    tags: ['session'],
    summary: 'Sign in a browser: exchange an admin or tenant API token for a session cookie',
    description:
      "Sets `vfleet_session` (HttpOnly, SameSite=Strict). Agent tokens are refused. Writes made with the cookie must send the answer's `csrf` as header `x-vfleet-csrf`.",
    request: { body: jsonBody(sessionCreateSchema) },
    responses: { 201: jsonOk(sessionSchema, 'The session'), ...errorResponses },
  }),
  get: createRoute({
    method: 'get',
    path: '/v1/session',
    tags: ['session'],
    summary: "The browser's session (401 when signed out or expired)",
    responses: { 200: jsonOk(sessionSchema, 'The session'), ...errorResponses },
  }),
  remove: createRoute({
    method: 'delete',
    path: '/v1/session',
    tags: ['session'],
    summary: 'Sign out: end the session and clear its cookie',
    responses: { 204: { description: 'Signed out' }, ...errorResponses },
  }),
};
