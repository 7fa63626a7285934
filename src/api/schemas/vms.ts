import { z } from '@hono/zod-openapi';
import { MIGRATION_STATES } from '../../core/fleet/vm-store.js';
import { VM_DESIRED, VM_STATES } from '../../core/fleet/vm-domain.js';
import { HYPERVISOR_KINDS, VIRT_TYPES } from '../../core/libvirt/hypervisor-facts.js';
import { NIC_MODELS } from '../../core/libvirt/domain-request.js';
import { IMAGE_NAME_RE, isImageName, MAX_REPORTED_IMAGES } from '../../core/libvirt/image-names.js';
import {
  DISK_FORMATS,
  DOMAIN_POLICIES,
  HUGEPAGES_MODES,
} from '../../core/libvirt/domain-request.js';
import { GUEST_CONFIGS } from '../../core/fleet/guest-seed.js';
import { nameSchema } from './common.js';

/**
 * How an instance boots: an image of its host's image store (minimal
 * template), the user's domain XML, or both (the image is its boot disk).
 */
export const bootSchema = z
  .object({
    image: z
      .string()
      .max(4096)
      .refine((s) => s.startsWith('/') || isImageName(s), {
        message: `an image name (${IMAGE_NAME_RE.source}, no "..") of the host's image store`,
      })
      .optional()
      .openapi({
        description:
          "an image of the host's image store, by name (`vfleet agent --image-dir`); tokens with the trusted domain policy may give an absolute host path. Alone: vfleet writes a minimal domain (kvm, or qemu on a host without KVM); with domainXml: its boot disk",
      }),
    imageFormat: z.enum(DISK_FORMATS).optional(),
    domainXml: z
      .string()
      .min(1)
      .max(256 * 1024)
      .optional()
      .openapi({
        description:
          'your <domain>; vfleet sets name, memory, vCPUs, pinning and adds the ports. Under the tenant domain policy only what docs/security.md lists is accepted',
      }),
    hugepages: z.enum(HUGEPAGES_MODES).default('off').openapi({
      description:
        "guest memory on hugepages (`<memoryBacking><hugepages/>`): `on` always; `auto` when the chosen host reports enough free hugepages on the instance's NUMA node(s) at creation, decided then and kept; `off` (default) never",
    }),
    guestConfig: z.enum(GUEST_CONFIGS).optional().openapi({
      description:
        "`router`: a cloud-init NoCloud seed (GET /v1/instances/{id}/cloud-init) that turns IPv4 and IPv6 forwarding on and gives each port with `addresses` its static addresses, matched by the port's MAC",
    }),
  })
  .strict()
  .refine((b) => b.image !== undefined || b.domainXml !== undefined, {
    message: 'give image, domainXml, or both',
  })
  .refine((b) => b.imageFormat === undefined || b.image !== undefined, {
    message: 'imageFormat goes with image',
    path: ['imageFormat'],
  })
  .openapi('InstanceBoot');

const sourceFields = {
  bridge: nameSchema.optional().openapi({ description: 'a host bridge' }),
  libvirtNetwork: nameSchema
    .optional()
    .openapi({ description: "a libvirt network (default: libvirt's default)" }),
};

/** The libvirt options of a port that the claim does not decide. */
export const portVmFields = {
  ...sourceFields,
  nicModel: z.enum(NIC_MODELS).optional().openapi({
    description:
      "normal ports: the NIC the guest sees: virtio (default), or igb, QEMU's emulated SR-IOV NIC, a PF on which the guest's own kernel can create up to 7 VFs (nested SR-IOV: a container host handing VFs to its containers)",
  }),
  standby: z
    .object(sourceFields)
    .strict()
    .refine((s) => s.bridge === undefined || s.libvirtNetwork === undefined, {
      message: 'give bridge or libvirtNetwork, not both',
    })
    .optional()
    .openapi({
      description:
        'direct ports: add a virtio NIC with the same MAC on this bridge or network, the persistent half of a libvirt failover pair, so the guest keeps its link while the VF is unplugged for live migration',
    }),
};

export const vmSchema = z
  .object({
    domain: z.string(),
    desired: z.enum(VM_DESIRED),
    state: z.enum(VM_STATES).nullable().openapi({
      description:
        'what the agent last reported; `rendered`: a render-only host (no libvirt) has the domain defined, no VM runs',
    }),
    stateNote: z
      .string()
      .nullable()
      .openapi({ description: 'what the state means when it is not plain libvirt (rendered)' }),
    message: z.string().nullable(),
    hypervisor: z.enum(HYPERVISOR_KINDS).nullable().openapi({
      description: '`render-only`: the host has no libvirt; the agent keeps what it would define',
    }),
    domainPolicy: z.enum(DOMAIN_POLICIES).openapi({
      description: "the creating token's domain policy, which the agent enforces too",
    }),
  })
  .openapi('InstanceVm');

export const domainXmlSchema = z
  .object({
    domain: z.string(),
    xml: z.string(),
    placement: z
      .object({
        policy: z.string(),
        nodes: z.array(z.number()),
        cpus: z.array(z.number()),
        memoryMode: z.string(),
      })
      .nullable()
      .openapi({ description: 'where vCPUs, emulator and memory are pinned; null: not pinned' }),
  })
  .openapi('InstanceDomainXml');

export const guestSeedSchema = z
  .object({
    domain: z.string(),
    guestConfig: z.enum(GUEST_CONFIGS),
    metaData: z.string().openapi({ description: 'the NoCloud `meta-data` file' }),
    userData: z.string().openapi({ description: 'the NoCloud `user-data` file (#cloud-config)' }),
    networkConfig: z.string().openapi({
      description: 'the NoCloud `network-config` file (version 2, ports matched by MAC)',
    }),
  })
  .openapi('InstanceCloudInit');

export const migrateSchema = z
  .object({
    host: nameSchema
      .optional()
      .openapi({ description: "target host; default: the scheduler's choice" }),
  })
  .strict()
  .openapi('InstanceMigrate');

export const migrationSchema = z
  .object({
    id: z.string(),
    instanceId: z.string(),
    source: z.string(),
    target: z.string(),
    state: z.enum(MIGRATION_STATES),
    report: z.unknown().openapi({
      description:
        'steps so far while running; the full report (steps, rollback, final placement) after',
    }),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .openapi('Migration');

export const taskResultSchema = z
  .object({ ok: z.boolean(), message: z.string().max(4000).nullable().default(null) })
  .strict()
  .openapi('AgentTaskResult');

export const domainResultSchema = z
  .object({
    instanceId: z.string().max(64),
    state: z.enum(VM_STATES),
    message: z.string().max(4000).nullable().default(null),
    hypervisor: z.enum(HYPERVISOR_KINDS),
  })
  .strict();

const imageName = z.string().refine(isImageName, 'an image name');
export const imagesReportSchema = z
  .object({
    dir: z.string().max(4096).regex(/^\//, 'an absolute path'),
    images: z
      .array(
        z
          .object({
            name: imageName,
            format: z.enum(DISK_FORMATS),
            sizeBytes: z.number().int().min(0),
          })
          .strict(),
      )
      .max(MAX_REPORTED_IMAGES),
    omitted: z.number().int().min(0).default(0),
    // Absent from agents older than --seed-dir: such a host takes no boot.guestConfig.
    seedDir: z.string().max(4096).regex(/^\//, 'an absolute path').optional().openapi({
      description:
        "where the agent writes guests' cloud-init seed ISOs (`vfleet agent --seed-dir`), apart from the image store, which may be read-only",
    }),
  })
  .strict();

export const hypervisorReportSchema = z
  .object({
    kind: z.enum(HYPERVISOR_KINDS),
    migrationUri: z
      .string()
      .max(512)
      .regex(/^[a-z][a-z0-9+.-]*:\/\//, 'a libvirt URI like qemu+ssh://host/system')
      .nullable(),
    reason: z.string().max(1000).nullable(),
    // Absent from older agents: kvm is assumed.
    virtType: z.enum(VIRT_TYPES).nullable().default(null),
  })
  .strict();

const count = z
  .int()
  .min(0)
  .max(1 << 20);
export const irqPinsSchema = z
  .object({
    changed: count,
    alreadyRight: count,
    failed: count,
    skipped: count,
    lines: z.array(z.string().max(300)).max(64),
  })
  .strict();
