import { createRoute } from '@hono/zod-openapi';
import { errorResponses, jsonBody, jsonOk, security } from '../schemas/common.js';
import { sessionCreateSchema, sessionSchema } from '../schemas/session.js';

const setCookie = {
  'Set-Cookie': {
    description:
      '`vfleet_session=<secret>; Max-Age=<seconds>; Path=/; HttpOnly; SameSite=Strict` (and `Secure` over https)',
    schema: { type: 'string' as const },
  },
};

/** The dashboard's sign-in: an API token traded for an HttpOnly session cookie. */
export const sessionRoutes = {
  create: createRoute({
    method: 'post',
    path: '/v1/session',
    tags: ['session'],
    security: [],
    summary:
      'Sign in to the dashboard with an API token (admin or tenant); sets the session cookie',
    description:
      "The token goes in the body, never in a URL. Answers the session and sets `vfleet_session`; a cookie-authenticated write must then send header `x-vfleet-csrf` with the session's `csrf`. Agent tokens are refused (403).",
    request: { body: jsonBody(sessionCreateSchema) },
    responses: {
      201: { ...jsonOk(sessionSchema, 'Signed in'), headers: setCookie },
      ...errorResponses,
    },
  }),
  get: createRoute({
    method: 'get',
    path: '/v1/session',
    tags: ['session'],
    security,
    summary: "The session cookie's session: who it acts as, until when, its CSRF secret",
    responses: { 200: jsonOk(sessionSchema, 'The session'), ...errorResponses },
  }),
  remove: createRoute({
    method: 'delete',
    path: '/v1/session',
    tags: ['session'],
    security,
    summary: 'Sign out: ends the session and clears its cookie',
    responses: { 204: { description: 'Signed out', headers: setCookie }, ...errorResponses },
  }),
};
