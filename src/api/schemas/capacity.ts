import { z } from '@hono/zod-openapi';
import { HOST_HEALTHS } from '../../core/fleet/model.js';
import { vfCountsSchema } from './hosts.js';

/**
 * The VfCounts count the VFs vfleet schedules (owner vfleet, or untagged);
 * VFs handed to another owner are only counted in `handedOver`.
 */
const physnetCapacity = vfCountsSchema.extend({
  physnet: z.string().nullable().openapi({ description: 'null: VFs that no spec gives a physnet' }),
  handedOver: z.number().int().openapi({
    description:
      'VFs of the physnet handed to another owner (openstack, kubernetes, libvirt-pool): configured by vfleet, never scheduled by it, and in none of the other counts',
  }),
});

export const capacitySchema = z
  .object({
    hosts: z.object({
      total: z.number().int(),
      ready: z.number().int().openapi({
        description: 'hosts whose declared state is applied (offered to the scheduler)',
      }),
      byHealth: z
        .record(z.enum(HOST_HEALTHS), z.number().int())
        .openapi({ description: 'hosts by health, every health named (0 when none)' }),
    }),
    physnets: z.array(physnetCapacity).openapi({ description: 'VFs per physnet' }),
    numaNodes: z
      .array(
        physnetCapacity.extend({
          numaNode: z.number().int().nullable().openapi({
            description: "the NUMA node of the VF's PF; null where the kernel gave none",
          }),
        }),
      )
      .openapi({ description: 'VFs per physnet and NUMA node of their PF' }),
  })
  .openapi('Capacity');
