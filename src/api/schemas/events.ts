import { z } from '@hono/zod-openapi';
import { EVENT_KINDS } from '../../core/fleet/events.js';
import { pageQuerySchema } from './pages.js';

export const MAX_EVENT_WAIT_SECONDS = 60;

export const eventSchema = z
  .object({
    id: z.number().int(),
    at: z.string().openapi({ description: 'when the controller recorded it (ISO 8601)' }),
    kind: z.enum(EVENT_KINDS),
    host: z.string().nullable(),
    tenant: z.string().nullable(),
    subject: z
      .string()
      .nullable()
      .openapi({ description: 'what it is about: an instance, a VF, a spec, a request' }),
    message: z.string(),
    data: z.record(z.string(), z.unknown()),
  })
  .openapi('Event');

export const eventListQuery = pageQuerySchema.extend({
  host: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .openapi({ param: { name: 'host', in: 'query' }, description: 'only events of this host' }),
  kind: z
    .enum(EVENT_KINDS, `one of ${EVENT_KINDS.join(', ')}`)
    .optional()
    .openapi({ param: { name: 'kind', in: 'query' }, description: 'only events of this kind' }),
  since: z
    .string()
    .max(64, 'an event id or an ISO 8601 time')
    .optional()
    .openapi({
      param: { name: 'since', in: 'query' },
      description: 'an event id (only newer ones) or an ISO 8601 time (only ones at or after it)',
      example: '42',
    }),
  last: z.coerce
    .number('must be a number')
    .int('must be a whole number')
    .min(1, 'last must be 1 to 1000')
    .max(1000, 'last must be 1 to 1000')
    .optional()
    .openapi({
      param: { name: 'last', in: 'query' },
      description: 'only the newest N matching events (still oldest first; no further page)',
    }),
  wait: z.coerce
    .number('must be a number')
    .int('must be a whole number')
    .min(0, `wait must be 0 to ${MAX_EVENT_WAIT_SECONDS}`)
    .max(MAX_EVENT_WAIT_SECONDS, `wait must be 0 to ${MAX_EVENT_WAIT_SECONDS}`)
    .optional()
    .openapi({
      param: { name: 'wait', in: 'query' },
      description: `follow: when nothing matches yet, wait up to this many seconds (at most ${MAX_EVENT_WAIT_SECONDS}) and answer as soon as a matching event is recorded`,
    }),
});

const eventId = z
  .string()
  .regex(/^\d{1,15}$/, 'an event id')
  .optional();

export const eventStreamQuery = z.object({
  since: eventId.openapi({
    param: { name: 'since', in: 'query' },
    description: 'start after this event id (when no Last-Event-ID header is sent)',
  }),
});

export const eventStreamHeaders = z.object({
  'last-event-id': eventId.openapi({
    param: { name: 'last-event-id', in: 'header' },
    description: "the browser's EventSource sends it on reconnect: resume after it",
  }),
});
