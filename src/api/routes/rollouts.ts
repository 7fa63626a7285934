import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses, idParam, jsonBody, jsonOk, security } from '../schemas/common.js';
import {
  emptyBodySchema,
  resumeBodySchema,
  rolloutDetailSchema,
  rolloutSchema,
} from '../schemas/rollouts.js';

const step = (name: 'pause' | 'resume' | 'abort', summary: string) =>
  createRoute({
    method: 'post',
    path: `/v1/rollouts/{id}/${name}`,
    tags: ['specs'],
    security,
    summary,
    request: {
      params: idParam,
      body: jsonBody(name === 'resume' ? resumeBodySchema : emptyBodySchema),
    },
    responses: { 200: jsonOk(rolloutSchema, 'The rollout'), ...errorResponses },
  });

export const rolloutRoutes = {
  list: createRoute({
    method: 'get',
    path: '/v1/rollouts',
    tags: ['specs'],
    security,
    summary: 'Rollouts of spec changes, newest first (admin)',
    request: {
      query: z.object({
        limit: z.coerce
          .number('must be a number')
          .int('must be a whole number')
          .min(1, 'limit must be 1 to 200')
          .max(200, 'limit must be 1 to 200')
          .optional()
          .openapi({ param: { name: 'limit', in: 'query' } }),
      }),
    },
    responses: {
      200: jsonOk(z.object({ items: z.array(rolloutSchema) }), 'Rollouts'),
      ...errorResponses,
    },
  }),
  get: createRoute({
    method: 'get',
    path: '/v1/rollouts/{id}',
    tags: ['specs'],
    security,
    summary: 'One rollout: its waves, and each host with its state and why (admin)',
    request: { params: idParam },
    responses: { 200: jsonOk(rolloutDetailSchema, 'The rollout'), ...errorResponses },
  }),
  pause: step('pause', 'Pause a rollout: no next wave; hosts updating finish (admin)'),
  resume: step(
    'resume',
    'Resume a paused rollout; failed hosts apply again and are gated, or skipped with skipFailed (admin)',
  ),
  abort: step(
    'abort',
    'Abort a rollout: the spec is put back as it was and its updated hosts go back (admin)',
  ),
};
