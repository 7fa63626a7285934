import { z } from '@hono/zod-openapi';
import { HOST_HEALTHS, INSTANCE_STATES } from '../../core/fleet/model.js';
import { HOST_SORTS } from '../../core/fleet/host-query.js';
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
  q: z
    .string()
    .trim()
    .min(1, 'give some text to look for')
    .max(200, 'at most 200 characters')
    .optional()
    .openapi({
      param: { name: 'q', in: 'query' },
      description: 'only hosts whose id holds this text (any case)',
      example: 'rack1',
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
      description: 'only hosts whose declared state is (true) or is not yet (false) applied',
    }),
  sort: z
    .enum(HOST_SORTS, `one of ${HOST_SORTS.join(', ')}`)
    .optional()
    .openapi({
      param: { name: 'sort', in: 'query' },
      description:
        'order of the list (default `id`; `-` = descending; `lastSeen`: never seen first). A cursor holds its sort and filters',
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
  tenant: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .openapi({
      param: { name: 'tenant', in: 'query' },
      description:
        "only this tenant's instances (a tenant token sees its own only, whatever this says)",
    }),
  name: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .openapi({
      param: { name: 'name', in: 'query' },
      description: 'only instances of this name (the CLI finds an instance by name so)',
    }),
  state: z
    .enum(INSTANCE_STATES, `one of ${INSTANCE_STATES.join(', ')}`)
    .optional()
    .openapi({
      param: { name: 'state', in: 'query' },
      description: 'only instances in this state',
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
  instance: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .openapi({
      param: { name: 'instance', in: 'query' },
      description: "only this instance's ports (its id)",
    }),
  host: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .openapi({
      param: { name: 'host', in: 'query' },
      description: 'only ports holding a VF or a whole PF of this host',
    }),
  mac: z
    .string()
    .regex(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i, 'mac is a MAC address like 52:54:00:12:34:56')
    .optional()
    .openapi({
      param: { name: 'mac', in: 'query' },
      description: 'only the port of this MAC (any case)',
    }),
});
