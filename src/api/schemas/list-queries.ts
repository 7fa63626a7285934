import { z } from '@hono/zod-openapi';
import { HOST_HEALTHS } from '../../core/fleet/model.js';
import { pageQuerySchema } from './pages.js';

export const HOST_SORTS = ['id', '-id', 'lastSeen', '-lastSeen'] as const;

/** The optional filters of the list routes, on top of `?limit=&cursor=`. */

export const hostListQuery = pageQuerySchema.extend({
  label: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9./_-]{0,62}=.{0,63}$/, 'a label as key=value')
    .optional()
    .openapi({
      param: { name: 'label', in: 'query' },
      description: 'only hosts with this label, as key=value',
      example: 'rack=r1',
    }),
  q: z
    .string()
    .max(200, 'q has at most 200 characters')
    .optional()
    .openapi({
      param: { name: 'q', in: 'query' },
      description: 'only hosts whose id contains this text (any case)',
    }),
  health: z
    .enum(HOST_HEALTHS, `one of ${HOST_HEALTHS.join(', ')}`)
    .optional()
    .openapi({ param: { name: 'health', in: 'query' }, description: 'only hosts of this health' }),
  ready: z
    .enum(['true', 'false'], 'true or false')
    .optional()
    .openapi({
      param: { name: 'ready', in: 'query' },
      description: 'only ready (or unready) hosts',
    }),
  sort: z
    .enum(HOST_SORTS, `one of ${HOST_SORTS.join(', ')}`)
    .optional()
    .openapi({
      param: { name: 'sort', in: 'query' },
      description: 'order: id (default) or lastSeen, `-` for descending',
    }),
});

export const instanceListQuery = pageQuerySchema.extend({
  host: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .openapi({
      param: { name: 'host', in: 'query' },
      description: 'only instances placed on this host',
    }),
});

export const portListQuery = pageQuerySchema.extend({
  network: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .openapi({
      param: { name: 'network', in: 'query' },
      description: "only this network's ports (its id)",
    }),
});
