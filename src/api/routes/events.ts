import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses, jsonOk, security } from '../schemas/common.js';
import {
  eventListQuery,
  eventSchema,
  eventStreamHeaders,
  eventStreamQuery,
} from '../schemas/events.js';
import { pageSchema } from '../schemas/pages.js';

export const eventRoutes = {
  list: createRoute({
    method: 'get',
    path: '/v1/events',
    tags: ['events'],
    security,
    summary:
      'What the fleet did, oldest first: specs applied, VFs configured and reset, instances, migrations, refused requests',
    description:
      "Admin tokens see every event, tenant tokens their tenant's. With `?wait=N` and nothing to answer yet, the request waits up to N seconds and answers as soon as a matching event is recorded (follow with `?since=<last id>`).",
    request: { query: eventListQuery },
    responses: {
      200: jsonOk(pageSchema(eventSchema, 'EventPage'), 'Events'),
      ...errorResponses,
    },
  }),
  stream: createRoute({
    method: 'get',
    path: '/v1/events/stream',
    tags: ['events'],
    security,
    summary: 'The same events live, as server-sent events (one `fleet` message per event)',
    description:
      'Scoped like GET /v1/events. Each message is `id: <event id>`, `event: fleet`, `data: <Event>`; it starts after `Last-Event-ID` or `?since=<event id>`, else after the newest event. Sends `retry: 1000` first and a keepalive comment every 15 s.',
    request: { query: eventStreamQuery, headers: eventStreamHeaders },
    responses: {
      200: {
        description: 'The stream',
        content: { 'text/event-stream': { schema: z.string() } },
      },
      ...errorResponses,
    },
  }),
};
