import { z } from '@hono/zod-openapi';
import { HOST_HEALTHS } from '../../core/fleet/model.js';

/** VFs by state; `dirty` counts released VFs waiting for their reset, whatever their state. */
const vfCounts = {
  total: z.number(),
  free: z.number(),
  reserved: z.number(),
  allocated: z.number(),
  quarantined: z.number(),
  dirty: z.number(),
};

export const vfCountsSchema = z.object(vfCounts).openapi('VfCounts');

export const capacitySchema = z
  .object({
    hosts: z.object({
      total: z.number(),
      ready: z.number(),
      byHealth: z.record(z.enum(HOST_HEALTHS), z.number()),
    }),
    physnets: z.array(z.object({ physnet: z.string().nullable(), ...vfCounts })),
    numaNodes: z.array(
      z.object({ physnet: z.string().nullable(), numaNode: z.number().nullable(), ...vfCounts }),
    ),
  })
  .openapi('Capacity');
