import { z } from '@hono/zod-openapi';
import { pageQuerySchema } from './pages.js';

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
