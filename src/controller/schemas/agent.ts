import { z } from '@hono/zod-openapi';
import { FINDING_SEVERITIES } from '../../core/doctor/finding.js';
import { normalizePciAddress } from '../../core/pci-address.js';
import { int, labelsSchema, nameSchema } from './common.js';
import { VM_TASK_OPS } from '../../core/fleet/vm-store.js';
import {
  domainResultSchema,
  hypervisorReportSchema,
  imagesReportSchema,
  irqPinsSchema,
} from './vms.js';
import { VM_DESIRED } from '../../core/fleet/vm-wiring.js';
import { DOMAIN_POLICIES } from '../../core/libvirt/wiring.js';

const pci = z.string().transform((s, ctx) => {
  const a = normalizePciAddress(s);
  if (a === null) {
    ctx.addIssue({ code: 'custom', message: `"${s}" is not a PCI address like 0000:3b:00.0` });
    return z.NEVER;
  }
  return a;
});
const hex4 = z.string().regex(/^[0-9a-f]{4}$/, 'four lower-case hex digits');

/** The parts of `vfleet host scan` JSON (docs/scan-json.md) the controller keeps; other fields pass. */
const reportedPf = z
  .looseObject({
    pciAddress: pci,
    ifname: z.string().max(64).nullable(),
    vendorId: hex4,
    deviceId: hex4,
    driver: z.string().max(64).nullable(),
    totalVfs: int(0, 4096, 'totalVfs'),
    numVfs: int(0, 4096, 'numVfs'),
    numaNode: int(0, 1023, 'numaNode').nullable(),
    iommuGroup: int(0, 1 << 20, 'iommuGroup')
      .nullable()
      .optional(),
    localCpuList: z
      .array(int(0, 65535, 'CPU'))
      .max(65536)
      .optional(),
    vfs: z
      .array(
        z.looseObject({
          index: int(0, 4095, 'VF index'),
          pciAddress: pci,
          // What rendering a domain needs (docs/scan-json.md); optional for older agents.
          driverKind: z.string().max(16).optional(),
          netdev: z.string().max(64).nullable().optional(),
          iommuGroup: int(0, 1 << 20, 'iommuGroup')
            .nullable()
            .optional(),
          numaNode: int(0, 1023, 'numaNode').nullable().optional(),
        }),
      )
      .max(4096),
  })
  .refine((pf) => pf.numVfs <= pf.totalVfs, {
    message: 'numVfs exceeds totalVfs',
    path: ['numVfs'],
  });

export const registerSchema = z
  .object({ host: nameSchema, labels: labelsSchema.default({}) })
  .strict()
  .openapi('AgentRegister');

export const reportSchema = z
  .object({
    inventory: z.looseObject({ pfs: z.array(reportedPf).max(256) }),
    findings: z
      .array(z.looseObject({ severity: z.enum(FINDING_SEVERITIES) }))
      .max(1000)
      .default([]),
    numaNodes: z
      .array(
        z
          .object({
            node: int(0, 1023, 'node'),
            socket: int(0, 1023, 'socket'),
            cpus: int(0, 65536, 'cpus'),
            cpuList: z
              .array(int(0, 65535, 'CPU'))
              .max(65536)
              .optional(),
          })
          .strict(),
      )
      .max(1024)
      .default([]),
    memoryMb: int(0, 1 << 30, 'memoryMb')
      .nullable()
      .default(null),
    hypervisor: hypervisorReportSchema.optional().openapi({
      description: 'how the agent drives libvirt here (absent: it does not)',
    }),
    images: imagesReportSchema.optional().openapi({
      description: "the host's image store: what instances may boot from by name",
    }),
  })
  .strict()
  .openapi('AgentReport');

export const desiredQuerySchema = z.object({
  after: z.coerce
    .number()
    .int()
    .min(0)
    .default(0)
    .openapi({ description: 'answer at once when the generation is above this' }),
  waitSeconds: z.coerce
    .number()
    .int()
    .min(0)
    .max(60)
    .default(0)
    .openapi({ description: 'long-poll: wait up to this for a newer generation' }),
});

const desiredPf = z.object({
  pciAddress: z.string(),
  numVfs: z.number(),
  vfDriver: z.string(),
  up: z.boolean(),
  vfs: z.array(
    z.object({
      index: z.number(),
      mac: z.string(),
      vlan: z.number(),
      spoofchk: z.boolean(),
      trust: z.boolean(),
      maxTxRate: z.number(),
      minTxRate: z.number(),
    }),
  ),
});

export const desiredSchema = z
  .object({
    generation: z.number(),
    state: z.object({ pfs: z.array(desiredPf) }).openapi({
      description:
        'the host state to apply, as `vfleet host apply -f` takes it (docs/host-state.md)',
    }),
    domains: z
      .array(
        z.object({
          instanceId: z.string(),
          name: z.string(),
          state: z.enum(VM_DESIRED),
          xml: z.string().nullable(),
          policy: z.enum(DOMAIN_POLICIES).openapi({
            description: 'tenant: the agent checks the XML against the domain policy first',
          }),
        }),
      )
      .openapi({
        description: 'libvirt domains vfleet manages here: defined and running, or gone',
      }),
    tasks: z
      .array(
        z.object({
          id: z.string(),
          op: z.enum(VM_TASK_OPS),
          args: z.record(z.string(), z.unknown()),
        }),
      )
      .openapi({ description: 'hypervisor steps of a live migration, to run in order' }),
  })
  .openapi('DesiredState');

export const appliedSchema = z
  .object({
    generation: int(0, 2 ** 31 - 1, 'generation'),
    ok: z.boolean(),
    failedVfs: z.array(pci).max(4096).default([]),
    message: z.string().max(2000).nullable().default(null),
    irqs: irqPinsSchema.optional().openapi({
      description: 'what pinning the IRQs of VF host netdevs to their NUMA node did',
    }),
    domains: z.array(domainResultSchema).max(4096).default([]).openapi({
      description: 'each desired domain as the agent left it',
    }),
  })
  .strict()
  .openapi('AgentApplied');
