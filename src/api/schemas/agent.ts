import { z } from '@hono/zod-openapi';
import { FINDING_SEVERITIES } from '../../core/doctor/finding.js';
import { hostStateSchema } from '../../core/desired-state.js';
import { normalizePciAddress } from '../../core/pci-address.js';
import { jsonBoundsProblem } from '../../core/json-bounds.js';
import { fieldPath } from '../../core/validation.js';
import { int, labelsSchema, nameSchema, textSchema } from './common.js';
import { hostSchema } from './hosts.js';
import { DOMAIN_TASK_OPS } from '../../core/libvirt/domain-task-ops.js';
import { ESWITCH_MODES } from '../../core/vocabulary.js';
import {
  domainResultSchema,
  hypervisorReportSchema,
  imagesReportSchema,
  irqPinsSchema,
} from './vms.js';
import { VM_DESIRED } from '../../core/fleet/vm-domain.js';
import { DOMAIN_POLICIES } from '../../core/libvirt/domain-request.js';

const pci = z.string().transform((s, ctx) => {
  const a = normalizePciAddress(s);
  if (a === null) {
    ctx.addIssue({ code: 'custom', message: `"${s}" is not a PCI address like 0000:3b:00.0` });
    return z.NEVER;
  }
  return a;
});
const hex4 = z.string().regex(/^[0-9a-f]{4}$/, 'four lower-case hex digits');

/** NUMA node ids as sysfs has them; -1 (no affinity) is kept as null, like the scan does. */
const numaNode = int(-1, 1023, 'numaNode')
  .nullable()
  .transform((n) => (n === -1 ? null : n));
/** CPU numbers: Linux's NR_CPUS tops out at 8192; a node or PF lists each CPU once. */
export const MAX_CPUS = 4096;
const cpuList = z.array(int(0, 8191, 'CPU')).max(MAX_CPUS, `at most ${MAX_CPUS} CPUs`);
/** An interface or driver name as the kernel has it (IFNAMSIZ is 16; drivers stay short). */
const kernelName = textSchema(64);

const reportedVf = z.looseObject({
  index: int(0, 4095, 'VF index'),
  pciAddress: pci,
  // What rendering a domain needs (docs/scan-json.md); optional for older agents.
  driverKind: textSchema(16).optional(),
  // What the host map shows; optional for older agents (kept as null).
  driver: kernelName.nullable().optional(),
  netdev: kernelName.nullable().optional(),
  iommuGroup: int(0, 1 << 20, 'iommuGroup')
    .nullable()
    .optional(),
  numaNode: numaNode.optional(),
  representor: kernelName.nullable().optional(),
  // The VF's vDPA device (scan JSON); optional for older agents (none).
  vdpa: z
    .looseObject({
      name: kernelName,
      charDev: z
        .string()
        .regex(/^\/dev\/vhost-vdpa-\d{1,6}$/, 'a char device like /dev/vhost-vdpa-0')
        .nullable(),
      driver: kernelName.nullable(),
    })
    .nullable()
    .optional(),
});

/** The parts of `vfleet host scan` JSON (docs/scan-json.md) the controller keeps; other fields pass. */
const reportedPf = z
  .looseObject({
    pciAddress: pci,
    ifname: kernelName.nullable(),
    vendorId: hex4,
    deviceId: hex4,
    driver: kernelName.nullable(),
    totalVfs: int(0, 4096, 'totalVfs'),
    numVfs: int(0, 4096, 'numVfs'),
    numaNode,
    iommuGroup: int(0, 1 << 20, 'iommuGroup')
      .nullable()
      .optional(),
    localCpuList: cpuList.optional(),
    eswitchMode: z.enum(ESWITCH_MODES).nullable().optional(),
    // The PF's link, for the host map; optional for older agents (kept as null).
    linkState: kernelName.nullable().optional(),
    adminUp: z.boolean().nullable().optional(),
    // sysfs speed is a u32: any value it can hold is taken, none refuses a report.
    speedMbps: int(0, 2 ** 32, 'speedMbps')
      .nullable()
      .optional(),
    vfs: z.array(reportedVf).max(4096),
  })
  .refine((pf) => pf.numVfs <= pf.totalVfs, {
    message: 'numVfs exceeds totalVfs',
    path: ['numVfs'],
  });

/**
 * Fields of the scan the controller does not know (a newer agent's) pass,
 * within bounds: the scan nests 5 levels (inventory, pfs, PF, vfs, VF).
 */
export const INVENTORY_BOUNDS = { maxDepth: 8, maxString: 4096, maxMembers: 4096 } as const;

const inventorySchema = z
  .looseObject({ pfs: z.array(reportedPf).max(256) })
  .superRefine((inv, ctx) => {
    const p = jsonBoundsProblem(inv, INVENTORY_BOUNDS);
    if (p !== null) ctx.addIssue({ code: 'custom', path: [...p.path], message: p.reason });
  });

/** A doctor finding (src/core/doctor/finding.ts), kept and shown as the agent sent it. */
const lines = z.array(z.string().max(4096)).max(100);
export const findingSchema = z
  .object({
    id: z.string().min(1).max(200),
    severity: z.enum(FINDING_SEVERITIES),
    subject: z.string().max(200),
    title: z.string().max(1000),
    evidence: lines,
    fix: lines.optional(),
  })
  .strict();

export const registerSchema = z
  .object({ host: nameSchema, labels: labelsSchema.default({}) })
  .strict()
  .openapi('AgentRegister');

export const reportSchema = z
  .object({
    inventory: inventorySchema,
    findings: z.array(findingSchema).max(1000).default([]),
    numaNodes: z
      .array(
        z
          .object({
            node: int(0, 1023, 'node'),
            socket: int(0, 1023, 'socket'),
            cpus: int(0, MAX_CPUS, 'cpus'),
            cpuList: cpuList.optional(),
            hugepages: z
              .object({
                sizeKb: int(1, 1 << 30, 'sizeKb'),
                total: int(0, 1 << 30, 'total'),
                free: int(0, 1 << 30, 'free'),
              })
              .strict()
              .refine((h) => h.free <= h.total, { message: 'free must not exceed total' })
              .optional()
              .openapi({
                description:
                  "the node's pages of the host's default hugepage size (absent: none, or an older agent)",
              }),
          })
          .strict(),
      )
      .max(1024)
      .default([]),
    // 128 TiB: above the largest machines sold; a larger figure is a broken report.
    memoryMb: int(0, 1 << 27, 'memoryMb')
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

/** The report's answer: the host, and what a heartbeat names that report by. */
export const reportAnswerSchema = hostSchema
  .extend({
    reportDigest: z.string().nullable().optional().openapi({
      description:
        'the digest of the report the controller now holds: a heartbeat sends it instead of the report (POST .../heartbeat)',
    }),
  })
  .openapi('AgentReportAnswer');

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
  brief: z.enum(['true', 'false']).default('false').openapi({
    description:
      'true: when no generation above `after` came, answer `{generation, unchanged: true}` instead of the whole state',
  }),
  digest: z.string().min(1).max(128).optional().openapi({
    description:
      "the digest of the agent's last full report (as for a heartbeat): the poll is then also the host's heartbeat, at its start and its end, and the answer carries `reportNeeded`",
  }),
});

/** On the answer of a poll that carried a digest: as the heartbeat's answer. */
const reportNeeded = z.boolean().optional().openapi({
  description:
    "only when the poll carried `digest`: true, the controller does not hold that report (the poll answered at once): send the full report; false, the poll was recorded as the host's heartbeat",
});

const desiredPf = z.object({
  pciAddress: z.string(),
  numVfs: z.number(),
  vfDriver: z.string(),
  up: z.boolean(),
  // Only from a spec that sets them (issue 17); older controllers send neither.
  eswitchMode: z.enum(ESWITCH_MODES).optional(),
  hwTcOffload: z.boolean().optional(),
  vfs: z.array(
    z.object({
      index: z.number(),
      vdpa: z.object({}).strict().optional(),
      // Left out for a VF handed to another owner: its consumer sets them.
      mac: z.string().optional(),
      vlan: z.number().optional(),
      spoofchk: z.boolean().optional(),
      trust: z.boolean(),
      maxTxRate: z.number().optional(),
      minTxRate: z.number().optional(),
    }),
  ),
});

/** A cloud-init seed's three files (core/fleet/guest-seed.ts); 64 KiB each is far above any vfleet renders. */
const seedText = z.string().max(65_536);
export const seedFilesSchema = z.object({
  metaData: seedText,
  userData: seedText,
  networkConfig: seedText,
});

export const desiredSchema = z
  .object({
    generation: z.number(),
    // The host layer's own check of a declared state (`vfleet host apply -f`), so an
    // agent refuses before it writes anything what the host layer would refuse.
    state: z
      .object({ pfs: z.array(desiredPf) })
      .superRefine((state, ctx) => {
        const r = hostStateSchema.safeParse(state);
        if (!r.success)
          for (const i of r.error.issues)
            ctx.addIssue({ code: 'custom', path: [...i.path], message: i.message });
      })
      .openapi({
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
          seed: seedFilesSchema.optional().openapi({
            description:
              'only for an instance booted with boot.guestConfig: the cloud-init NoCloud seed the agent writes as the `cidata` ISO the XML attaches as a CD-ROM',
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
          op: z.enum(DOMAIN_TASK_OPS),
          args: z.record(z.string(), z.unknown()),
        }),
      )
      .openapi({ description: 'hypervisor steps of a live migration, to run in order' }),
    reportNeeded,
  })
  .openapi('DesiredState');

export const appliedSchema = z
  .object({
    generation: int(0, 2 ** 31 - 1, 'generation'),
    ok: z.boolean(),
    failedVfs: z.array(pci).max(4096).default([]),
    // Free text (an apply error may span lines): escaped where printed, not refused.
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

/**
 * A brief long poll's answer when nothing came above `after`: the agent has
 * applied this already, so the controller sends (and reads) nothing more.
 */
export const desiredUnchangedSchema = z
  .object({ generation: z.number(), unchanged: z.literal(true), reportNeeded })
  .openapi('DesiredUnchanged');

export const desiredAnswerSchema = z.union([desiredSchema, desiredUnchangedSchema]);

/**
 * A heartbeat when nothing moved on the host: the digest the controller
 * gave for the last full report instead of the report itself.
 */
export const heartbeatSchema = z
  .object({ digest: z.string().min(1).max(128) })
  .strict()
  .openapi('AgentHeartbeat');

export const heartbeatAnswerSchema = z
  .object({
    reportNeeded: z.boolean().openapi({
      description:
        "true: the controller does not hold that report (it changed, or a device the host stopped reporting was let go): send the full report; false: recorded as the host's sighting",
    }),
  })
  .openapi('AgentHeartbeatAnswer');

export type DesiredAnswer = z.output<typeof desiredSchema>;
export type DesiredUnchanged = z.output<typeof desiredUnchangedSchema>;

/** A desired state the agent would not apply: what was wrong, and the generation it refuses. */
export interface DesiredRefused {
  readonly refused: true;
  /** Null when the answer has no usable generation (then nothing can be reported for it). */
  readonly generation: number | null;
  readonly field: string;
  readonly message: string;
}

/**
 * The agent's reading of GET .../desired: the same schema the controller
 * documents and answers with, applied before anything is acted on.
 */
export function readDesired(data: unknown): DesiredAnswer | DesiredUnchanged | DesiredRefused {
  const brief = desiredUnchangedSchema.safeParse(data);
  if (brief.success) return brief.data;
  const r = desiredSchema.safeParse(data);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue === undefined ? '(root)' : fieldPath(issue.path);
  const more = r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more)` : '';
  const g =
    typeof data === 'object' && data !== null && 'generation' in data ? data.generation : null;
  return {
    refused: true,
    generation: typeof g === 'number' && Number.isSafeInteger(g) && g > 0 ? g : null,
    field,
    message: `desired state refused: ${field}: ${issue?.message ?? 'invalid'}${more}`.slice(
      0,
      2000,
    ),
  };
}
