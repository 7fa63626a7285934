import { createRoute } from '@hono/zod-openapi';
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
    summary: 'The event log live, as server-sent events (what the dashboard listens to)',
    description:
      "Admin tokens see every event, tenant tokens their tenant's, as `GET /v1/events`. Sends `retry: 1000` first, then each recorded event as one message: `id: <event id>`, `event: fleet`, `data: <Event JSON>`, and a `: keepalive` comment every 15 s. Starts after `Last-Event-ID` (a reconnecting browser sends it) or `?since=`; with neither, with the next event recorded. Ends when the controller stops; the client reconnects and resumes.",
    request: { query: eventStreamQuery, headers: eventStreamHeaders },
    responses: {
      200: {
        description: 'The stream: `id`, `event: fleet` and `data` (an Event) per message',
        content: { 'text/event-stream': { schema: { type: 'string' as const } } },
      },
      ...errorResponses,
    },
  }),
};
