import { z } from '@hono/zod-openapi';
import { HOST_HEALTHS, TOKEN_ROLES } from '../../core/fleet/model.js';
import { DOMAIN_POLICIES } from '../../core/libvirt/domain-request.js';
import { HYPERVISOR_KINDS, VIRT_TYPES } from '../../core/libvirt/hypervisor-facts.js';
import { ESWITCH_MODES, VF_OWNERS, VF_STATES } from '../../core/vocabulary.js';
import { labelsSchema, nameSchema } from './common.js';
import { hostDrainSchema } from './host-maintenance.js';

export const hostSchema = z
  .object({
    id: z.string(),
    labels: z.record(z.string(), z.string()),
    health: z.enum(HOST_HEALTHS),
    ready: z
      .boolean()
      .openapi({ description: 'declared state applied; only then offered to the scheduler' }),
    lastSeen: z.string().nullable(),
    desiredGeneration: z.number(),
    appliedGeneration: z.number(),
    lastApplyMessage: z.string().nullable(),
    numaNodes: z.array(z.object({ node: z.number(), socket: z.number(), cpus: z.number() })),
    memoryMb: z.number().nullable(),
    cordon: z.object({ reason: z.string().nullable(), since: z.string() }).nullable().openapi({
      description:
        'set while the host is cordoned (`vfleet hosts cordon`): no new placements and no migrations to it; null otherwise',
    }),
  })
  .openapi('Host');

/**
 * VFs by lifecycle: the five counts split `total` (a released VF is `dirty`,
 * not `free`, until its agent confirmed the reset).
 */
export const vfCountsSchema = z
  .object({
    total: z.number().int(),
    free: z.number().int().openapi({ description: 'free and clean: offered to the scheduler' }),
    reserved: z.number().int(),
    allocated: z.number().int(),
    quarantined: z.number().int(),
    dirty: z
      .number()
      .int()
      .openapi({ description: 'released; waiting for the agent to confirm the reset' }),
  })
  .openapi('VfCounts');

/** A host in the list: the host, and what the dashboard's fleet table counts on it. */
export const hostSummarySchema = hostSchema
  .extend({
    pfCount: z.number().int().openapi({ description: 'SR-IOV PFs the agent reported' }),
    vfCounts: vfCountsSchema,
    findingCount: z.number().int().openapi({
      description: "the host's last doctor findings of severity error or warning",
    }),
  })
  .openapi('HostSummary');

/** Who holds a VF or whole PF, for the host map: names, not only ids. */
const holderFields = {
  instance: z
    .string()
    .nullable()
    .openapi({ description: 'the name of the instance whose port holds it; null when none' }),
  instanceId: z.string().nullable(),
  tenant: z.string().nullable().openapi({ description: "the holding port's tenant" }),
  network: z.string().nullable().openapi({ description: "the holding port's network, by name" }),
  mac: z
    .string()
    .nullable()
    .openapi({ description: "the holding port's MAC; null when free or a whole PF" }),
  vlan: z.number().nullable().openapi({ description: "the holding network's VLAN" }),
  configured: z.boolean().nullable().openapi({
    description:
      "held: the agent applied the port's settings (MAC, VLAN, trust, rates); null when no port holds it",
  }),
};

const ownerField = z.enum(VF_OWNERS).nullable().openapi({
  description:
    'who schedules it, from the spec that selects it: `vfleet`, or a consumer it is handed to (`openstack`, `kubernetes`, `libvirt-pool`: vfleet configures it but never claims it); null when no spec selects it',
});

export const vfSchema = z.object({
  index: z.number(),
  pciAddress: z.string(),
  state: z.enum(VF_STATES),
  dirty: z
    .boolean()
    .openapi({ description: 'released; waiting for the agent to confirm the reset' }),
  physnet: z.string().nullable(),
  trusted: z.boolean(),
  owner: ownerField,
  portId: z.string().nullable(),
  reservedUntil: z.string().nullable(),
  note: z.string().nullable(),
  driver: z.string().nullable().openapi({
    description:
      "the driver bound to the VF (vfio-pci, iavf, ...) at the agent's last scan; null when unbound or not reported",
  }),
  iommuGroup: z.number().int().nullable().openapi({
    description: "the VF's IOMMU group; null when the IOMMU is off or not reported",
  }),
  netdev: z.string().nullable().openapi({
    description: 'the VF netdev on the host (kernel driver only); null when it has none',
  }),
  vdpaDev: z.string().nullable().openapi({
    description:
      "the VF's vDPA device as `/dev/vhost-vdpa-N` (on vhost_vdpa), what a `vdpa` port's domain opens; null when it has none",
  }),
  representor: z.string().nullable().openapi({
    description:
      "the VF's representor netdev (its PF in switchdev mode), where OVS plugs it; null when none",
  }),
  ...holderFields,
  spoofchk: z.boolean().nullable().openapi({
    description: "the holding port's spoof checking; null when no port holds the VF",
  }),
  maxTxRate: z.number().int().nullable().openapi({
    description:
      "the holding port's TX rate cap in Mbit/s (0: none); null when no port holds the VF",
  }),
  minTxRate: z.number().int().nullable().openapi({
    description:
      "the holding port's guaranteed TX rate in Mbit/s (0: none); null when no port holds the VF",
  }),
});

/** A PF netdev's link as the agent's last scan saw it; each field null when the host does not say. */
export const pfLinkSchema = z
  .object({
    state: z.string().nullable().openapi({
      description: "the kernel's operstate: up, down, unknown, lowerlayerdown, ...",
      example: 'up',
    }),
    adminUp: z
      .boolean()
      .nullable()
      .openapi({ description: 'IFF_UP: false when the interface was set down' }),
    speedMbps: z.number().int().nullable().openapi({ description: 'null while the link is down' }),
  })
  .openapi('PfLink');

/** A PF offered or held whole (`direct-physical`): its own lifecycle, like a VF's. */
export const wholePfSchema = z
  .object({
    physnet: z
      .string()
      .nullable()
      .openapi({ description: 'from the spec offering it whole; null once none does' }),
    owner: ownerField,
    state: z.enum(VF_STATES),
    dirty: z.boolean().openapi({
      description:
        'released; waiting for the agent to apply the release before it is offered again',
    }),
    portId: z.string().nullable(),
    reservedUntil: z.string().nullable(),
    note: z.string().nullable(),
    ...holderFields,
  })
  .openapi('WholePf');

export const hostDetailSchema = hostSchema
  .extend({
    findings: z.array(z.unknown()),
    allocation: z
      .object({
        rule: z.string().nullable().openapi({ description: 'the governing rule; null: none' }),
        cpuRatio: z.number(),
        memoryRatio: z.number(),
        reservedCpus: z.array(z.number().int()),
        reservedMemoryMb: z.number().int(),
        vcpus: z
          .array(z.object({ node: z.number().int(), vcpus: z.number().int() }))
          .openapi({ description: 'vCPUs instances may hold per NUMA node, the rule applied' }),
        memoryMb: z.number().int().nullable().openapi({
          description: 'MiB instances may hold, the rule applied; null when not reported',
        }),
      })
      .openapi({ description: 'what instances may take of the host (allocation rules)' }),
    drain: hostDrainSchema
      .nullable()
      .openapi({ description: "the host's last drain; null when never drained" }),
    irqPins: z
      .object({
        changed: z.number(),
        alreadyRight: z.number(),
        failed: z.number(),
        skipped: z.number(),
        lines: z.array(z.string()),
        at: z.string(),
      })
      .nullable()
      .optional()
      .openapi({
        description: "the agent's last pinning of VF host netdev IRQs to their NUMA node",
      }),
    hypervisor: z
      .object({
        kind: z.enum(HYPERVISOR_KINDS),
        virtType: z.enum(VIRT_TYPES).nullable(),
        migrationUri: z.string().nullable(),
        reason: z.string().nullable(),
      })
      .nullable()
      .optional()
      .openapi({
        description:
          'how its agent runs domains: virsh (libvirt answered; virtType kvm, or qemu where the host has no KVM) or render-only (with the reason); null before it said',
      }),
    pfs: z.array(
      z.object({
        pciAddress: z.string(),
        ifname: z.string().nullable(),
        vendorId: z.string(),
        deviceId: z.string(),
        driver: z.string().nullable(),
        totalVfs: z.number(),
        numVfs: z.number(),
        numaNode: z.number().nullable(),
        eswitchMode: z.enum(ESWITCH_MODES).nullable().openapi({
          description: 'devlink eswitch mode at the last scan; null when the PF has none',
        }),
        link: pfLinkSchema,
        spec: z.string().nullable().openapi({ description: 'the governing spec, by id' }),
        specName: z.string().nullable().openapi({ description: 'the governing spec, by name' }),
        declaredVfs: z.number().nullable().openapi({
          description:
            'VFs the governing spec declares (0 for a PF offered whole); null when no spec governs it. numVfs differs until the agent applied the spec',
        }),
        whole: wholePfSchema.nullable().openapi({
          description:
            'set when the PF itself is offered whole (`direct-physical`) or held by a port; null while its VFs are offered',
        }),
        owners: z.array(z.enum(VF_OWNERS)).openapi({
          description:
            'the distinct owners of its VFs (or of the PF itself when offered whole), in the order vfleet, openstack, kubernetes, libvirt-pool; empty when no spec selects any',
        }),
        vfs: z.array(vfSchema),
      }),
    ),
  })
  .openapi('HostDetail');

export const hostPatchSchema = z.object({ labels: labelsSchema }).strict().openapi('HostPatch');

export const tokenCreateSchema = z
  .object({
    name: nameSchema,
    role: z.enum(TOKEN_ROLES),
    tenant: nameSchema.optional(),
    host: nameSchema.optional(),
    domainPolicy: z.enum(DOMAIN_POLICIES).default('tenant').openapi({
      description:
        "`trusted`: the token's instances may use any domain XML and any host path as image (docs/security.md)",
    }),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.role === 'agent' && t.domainPolicy !== 'tenant')
      ctx.addIssue({
        code: 'custom',
        path: ['domainPolicy'],
        message: 'agent tokens create no instances',
      });
    if (t.role === 'tenant' && t.tenant === undefined)
      ctx.addIssue({ code: 'custom', path: ['tenant'], message: 'a tenant token needs tenant' });
    if (t.role === 'agent' && t.host === undefined)
      ctx.addIssue({ code: 'custom', path: ['host'], message: 'an agent token needs host' });
    if (t.role !== 'tenant' && t.tenant !== undefined)
      ctx.addIssue({ code: 'custom', path: ['tenant'], message: 'only tenant tokens take tenant' });
    if (t.role !== 'agent' && t.host !== undefined)
      ctx.addIssue({ code: 'custom', path: ['host'], message: 'only agent tokens take host' });
  })
  .openapi('TokenCreate');

export const tokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(TOKEN_ROLES),
    tenant: z.string().nullable(),
    host: z.string().nullable(),
    domainPolicy: z.enum(DOMAIN_POLICIES),
    createdAt: z.string(),
  })
  .openapi('Token');

export const tokenCreatedSchema = tokenSchema
  .extend({ token: z.string().openapi({ description: 'the secret; shown only this once' }) })
  .openapi('TokenCreated');
