import { z } from '@hono/zod-openapi';
import { NUMA_POLICIES, VNIC_TYPES } from '../../core/vocabulary.js';
import { int, labelsSchema, macSchema, nameSchema, rateSchema } from './common.js';

export const portRequestSchema = z
  .object({
    network: z
      .string()
      .min(1)
      .max(200)
      .openapi({ description: 'network name (of the tenant) or id', example: 'blue' }),
    vnicType: z.enum(VNIC_TYPES).default('direct'),
    mac: macSchema.optional(),
    trusted: z.boolean().default(false).openapi({
      description: 'needs a VF tagged trusted; spoof checking stays on unless trusted',
    }),
    maxTxRate: rateSchema.default(0),
    minTxRate: rateSchema.default(0),
  })
  .strict()
  .refine((p) => p.maxTxRate === 0 || p.minTxRate <= p.maxTxRate, {
    message: 'minTxRate must not exceed maxTxRate',
    path: ['minTxRate'],
  });

export const instanceCreateSchema = z
  .object({
    name: nameSchema,
    vcpus: int(1, 1024, 'vcpus'),
    memoryMb: int(1, 16 * 1024 * 1024, 'memoryMb'),
    numaPolicy: z.enum(NUMA_POLICIES).default('legacy'),
    hostLabels: labelsSchema.default({}),
    ports: z.array(portRequestSchema).max(64, 'at most 64 ports'),
    distinctPfs: z.boolean().default(false).openapi({ description: 'every VF on its own PF' }),
    tenant: nameSchema.optional().openapi({ description: 'admin only' }),
  })
  .strict()
  .superRefine((r, ctx) => {
    const seen = new Map<string, number>();
    r.ports.forEach((p, i) => {
      if (p.mac === undefined) return;
      const prior = seen.get(p.mac);
      if (prior !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['ports', i, 'mac'],
          message: `${p.mac} is already given to ports[${prior}]`,
        });
      seen.set(p.mac, i);
    });
  })
  .openapi('InstanceCreate');

export const portSchema = z
  .object({
    id: z.string(),
    tenant: z.string(),
    instanceId: z.string().nullable(),
    network: z.string(),
    networkId: z.string(),
    physnet: z.string(),
    vlan: z.number(),
    vnicType: z.enum(VNIC_TYPES),
    mac: z.string(),
    trusted: z.boolean(),
    spoofchk: z.boolean(),
    maxTxRate: z.number(),
    minTxRate: z.number(),
    host: z.string().nullable(),
    pciAddress: z.string().nullable().openapi({ description: "the VF's PCI address" }),
    pf: z.string().nullable().openapi({ description: "the VF's PF PCI address" }),
    vfIndex: z.number().nullable(),
    note: z.string().openapi({ description: 'security groups cannot apply to VF ports' }),
  })
  .openapi('Port');

export const instanceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    tenant: z.string(),
    host: z.string().nullable(),
    state: z.string(),
    vcpus: z.number(),
    memoryMb: z.number(),
    numaPolicy: z.enum(NUMA_POLICIES),
    numaNode: z.number().nullable(),
    hostLabels: z.record(z.string(), z.string()),
    createdAt: z.string(),
    ports: z.array(portSchema),
  })
  .openapi('Instance');
