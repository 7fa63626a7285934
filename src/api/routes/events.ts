import { createRoute } from '@hono/zod-openapi';
import { errorResponses, jsonOk, security } from '../schemas/common.js';
import { eventListQuery, eventSchema } from '../schemas/events.js';
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
};
