import { z } from '@hono/zod-openapi';
import { NUMA_POLICIES, VNIC_TYPES } from '../../core/vocabulary.js';
import { int, labelsSchema, macSchema, nameSchema, rateSchema } from './common.js';
import { checkWholePfPort } from './whole-pf-port.js';
import { addressesSchema, checkGuestPort } from './guest-ports.js';
import { bootSchema, portVmFields, vmSchema } from './vms.js';

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
      description:
        'needs a VF tagged trusted: the guest may change its MAC, use many MACs and VLAN filters, and go promiscuous (a router with VLAN sub-interfaces or VRRP)',
    }),
    spoofchk: z.boolean().optional().openapi({
      description:
        'VF ports: source MAC spoof checking. Default: on, off for a trusted port (as before this field). false turns it off only where said, e.g. a router forwarding frames with MACs other than its own',
    }),
    addresses: addressesSchema.optional(),
    maxTxRate: rateSchema.default(0),
    minTxRate: rateSchema.default(0),
    ...portVmFields,
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
    boot: bootSchema.optional().openapi({
      description:
        "boot a libvirt domain with the ports on the chosen host (the host's agent defines and starts it)",
    }),
  })
  .strict()
  .superRefine((r, ctx) => {
    r.ports.forEach((p, i) => {
      checkWholePfPort(p, i, ctx);
    });
    r.ports.forEach((p, i) => {
      checkPortVm(p, i, ctx);
    });
    r.ports.forEach((p, i) => {
      checkGuestPort(p, i, r.boot?.guestConfig, ctx);
    });
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
    instance: z
      .string()
      .nullable()
      .openapi({ description: "the instance's name; null while it belongs to none" }),
    network: z.string(),
    networkId: z.string(),
    physnet: z.string(),
    vlan: z.number(),
    vnicType: z.enum(VNIC_TYPES),
    mac: z.string().nullable().openapi({
      description: "null for direct-physical: the guest uses the PF's own MAC",
    }),
    trusted: z.boolean(),
    spoofchk: z.boolean(),
    maxTxRate: z.number(),
    minTxRate: z.number(),
    host: z.string().nullable(),
    pciAddress: z.string().nullable().openapi({
      description: "the VF's PCI address; for direct-physical, the whole PF's",
    }),
    pf: z
      .string()
      .nullable()
      .openapi({ description: "the VF's PF PCI address (the PF itself for direct-physical)" }),
    vfIndex: z
      .number()
      .nullable()
      .openapi({ description: 'null for direct-physical (a whole PF)' }),
    note: z.string().openapi({
      description: 'security groups cannot apply to VF or PF ports; what the host does not filter',
    }),
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
    vm: vmSchema.nullable().optional().openapi({ description: 'the libvirt domain, when booted' }),
  })
  .openapi('Instance');

type PortRequest = z.infer<typeof portRequestSchema>;

/** A bridge or libvirt network belongs to a `normal` port; a standby to a `direct` port. */
function checkPortVm(p: PortRequest, i: number, ctx: z.RefinementCtx): void {
  const issue = (field: string, message: string) => {
    ctx.addIssue({ code: 'custom', path: ['ports', i, field], message });
  };
  if (p.vnicType !== 'normal') {
    for (const k of ['bridge', 'libvirtNetwork', 'nicModel'] as const)
      if (p[k] !== undefined) issue(k, `only a normal port takes ${k}`);
  } else if (p.bridge !== undefined && p.libvirtNetwork !== undefined)
    issue('libvirtNetwork', 'give bridge or libvirtNetwork, not both');
  if (p.standby !== undefined && p.vnicType !== 'direct')
    issue('standby', 'only a direct port has a failover standby');
}

/** The header as POST /v1/instances takes (and documents) it. */
export const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x20-\x7e]{1,255}$/, '1 to 255 printable ASCII characters')
    .optional()
    .openapi({
      param: { name: 'idempotency-key', in: 'header' },
      description:
        'Makes a retry safe: a second request with the same key (per tenant, or per token for admins) and the same body answers with the instance the first created, as it is now, and creates nothing; with another body it is 409 CONFLICT. Kept 24 h.',
      example: '5f0c6a4e-9a1b-4a43-8a43-0c2d2b1f6a11',
    }),
});
