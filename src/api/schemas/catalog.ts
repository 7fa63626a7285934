import { z } from '@hono/zod-openapi';
import { rolloutPolicySchema } from './rollouts.js';
import { parsePfSelector } from '../../core/fleet/spec-match.js';
import { vlanRangeProblem } from '../../core/fleet/vlan-ranges.js';
import { ESWITCH_MODES, VF_OWNERS } from '../../core/vocabulary.js';
import { int, nameSchema, vlanSchema } from './common.js';

const OWNER_TEXT =
  'who schedules the selected VFs (or whole PFs): `vfleet` (the default) claims them for its instances; `openstack`, `kubernetes` and `libvirt-pool` are handed them (vfleet still creates, configures and keeps them, but never schedules them). One VF has one owner';

const mbps = (what: string) => int(1, 10_000_000, what).nullable();

/** The bandwidth offered of each selected PF, per direction (Neutron resource_provider_bandwidths, in kbit/s there). */
export const specBandwidthSchema = z
  .object({
    egressMbps: mbps('egressMbps').openapi({ description: 'Mbit/s; null: not said' }),
    ingressMbps: mbps('ingressMbps').openapi({ description: 'Mbit/s; null: not said' }),
  })
  .strict()
  .openapi('SpecBandwidth');

const ownerSchema = z.enum(VF_OWNERS).openapi({ description: OWNER_TEXT });

const hexId = z
  .string()
  .transform((s) => s.trim().toLowerCase().replace(/^0x/, ''))
  .refine((s) => /^[0-9a-f]{4}$/.test(s), 'must be 4 hex digits, e.g. "8086"');

export const specCreateSchema = z
  .object({
    name: nameSchema,
    vendor: hexId.optional().openapi({ type: 'string', example: '8086' }),
    device: hexId.optional().openapi({ type: 'string', example: '1521' }),
    driver: z
      .string()
      .regex(/^[a-z0-9_-]{1,32}$/, 'a driver name like igb or mlx5_core')
      .optional(),
    pciAddress: z
      .string()
      .regex(/^[0-9a-fA-F:.*?]{1,16}$/, 'a PCI address glob like 0000:81:* or 81:00.?')
      .optional(),
    pf: z
      .string()
      .refine(
        (s) => parsePfSelector(s) !== null,
        'a PF with optional VF ranges, like 0000:81:00.0#0-3,6',
      )
      .optional()
      .openapi({ example: '0000:81:00.0#0-3' }),
    physnet: nameSchema,
    trusted: z.boolean().default(false),
    numVfs: int(0, 4096, 'numVfs')
      .optional()
      .openapi({ description: 'VFs per selected PF; required unless wholePf (then 0)' }),
    vfDriver: z
      .string()
      .regex(/^[a-z0-9_-]{1,32}$/, 'vfio-pci, kernel, or a driver name like iavf')
      .default('vfio-pci'),
    wholePf: z.boolean().default(false).openapi({
      description:
        'offer the selected PFs whole, for `direct-physical` ports (OpenStack device_type type-PF); numVfs must then be 0, and trusted, VF ranges in pf and a driver selector are refused',
    }),
    owner: ownerSchema.default('vfleet'),
    bandwidth: specBandwidthSchema.nullable().default(null).openapi({
      description:
        'bandwidth of each selected PF offered to the consumer, in Mbit/s (1 to 10,000,000); null when not said',
    }),
    eswitchMode: z.enum(ESWITCH_MODES).nullable().default(null).openapi({
      description:
        "the selected PFs' devlink eswitch mode; switchdev also turns hw-tc-offload on (OVS hardware offload). null: left as it is",
    }),
    vdpa: z.boolean().default(false).openapi({
      description:
        'a vDPA device on every VF, on vhost_vdpa, for `vdpa` ports (which are placed only on such VFs); needs a kernel vfDriver',
    }),
  })
  .strict()
  .refine((s) => [s.vendor, s.device, s.driver, s.pciAddress, s.pf].some((x) => x !== undefined), {
    message: 'a spec needs at least one of vendor, device, driver, pciAddress or pf',
    path: ['vendor'],
  })
  .refine((s) => s.wholePf || s.numVfs !== undefined, {
    message: 'numVfs is required (or wholePf: true, to offer the selected PFs whole)',
    path: ['numVfs'],
  })
  .refine((s) => !s.vdpa || s.vfDriver !== 'vfio-pci', {
    message:
      'vdpa needs the VFs on their kernel driver (vfDriver: kernel): a VF on vfio-pci has no vDPA management device',
    path: ['vdpa'],
  })
  .refine((s) => !s.wholePf || (!s.vdpa && s.eswitchMode === null), {
    message: 'a PF offered whole has no VFs: eswitchMode and vdpa do not apply',
    path: ['wholePf'],
  })
  .openapi('SpecCreate');

export const specSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    vendor: z.string().nullable(),
    device: z.string().nullable(),
    driver: z.string().nullable(),
    pciAddress: z.string().nullable(),
    pf: z.string().nullable(),
    physnet: z.string(),
    trusted: z.boolean(),
    numVfs: z.number(),
    vfDriver: z.string(),
    wholePf: z.boolean().openapi({
      description: 'the selected PFs are offered whole (`direct-physical` ports), not their VFs',
    }),
    owner: ownerSchema,
    bandwidth: specBandwidthSchema.nullable(),
    eswitchMode: z.enum(ESWITCH_MODES).nullable(),
    vdpa: z.boolean(),
    createdAt: z.string(),
  })
  .openapi('Spec');

const vlanRange = z.object({ min: vlanSchema, max: vlanSchema }).strict();

export const physnetSchema = z
  .object({
    name: nameSchema,
    vlanRanges: z
      .array(vlanRange)
      .max(64)
      .superRefine((ranges, ctx) => {
        const p = vlanRangeProblem(ranges);
        if (p) ctx.addIssue({ code: 'custom', path: [p[0]], message: p[1] });
      }),
  })
  .strict()
  .openapi('Physnet');

export const networkCreateSchema = z
  .object({
    name: nameSchema,
    physnet: nameSchema,
    vlan: vlanSchema
      .optional()
      .openapi({ description: 'omit to get the lowest free VLAN of the physnet ranges' }),
    tenant: nameSchema
      .optional()
      .openapi({ description: 'admin only; a tenant token always creates for itself' }),
  })
  .strict()
  .openapi('NetworkCreate');

export const networkSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    tenant: z.string(),
    physnet: z.string(),
    vlan: z.number(),
  })
  .openapi('Network');

const create = specCreateSchema.shape;

/**
 * The fields of SpecCreate, each optional; a selector set to null is
 * dropped. The merged spec is then validated as a new one (specs/update-spec.ts).
 */
export const specUpdateSchema = z
  .object({
    name: create.name.optional(),
    vendor: create.vendor
      .unwrap()
      .openapi({ type: 'string', example: '8086' })
      .nullable()
      .optional(),
    device: create.device
      .unwrap()
      .openapi({ type: 'string', example: '1521' })
      .nullable()
      .optional(),
    driver: create.driver.unwrap().nullable().optional(),
    pciAddress: create.pciAddress.unwrap().nullable().optional(),
    pf: create.pf.unwrap().nullable().optional(),
    physnet: create.physnet.optional(),
    trusted: z.boolean().optional(),
    numVfs: create.numVfs.optional(),
    vfDriver: create.vfDriver.unwrap().optional(),
    owner: ownerSchema.optional(),
    bandwidth: specBandwidthSchema.nullable().optional().openapi({
      description: 'null: no bandwidth said any more',
    }),
    eswitchMode: z.enum(ESWITCH_MODES).nullable().optional(),
    vdpa: z.boolean().optional(),
    rollout: rolloutPolicySchema.optional().openapi({
      description:
        "reach the hosts whose declared state moves in waves (docs/controller.md, Rollouts); absent: the controller's default",
    }),
  })
  .strict()
  .openapi('SpecUpdate');

export const specUpdatedSchema = specSchema
  .extend({
    rollout: z.string().nullable().openapi({
      description: 'the rollout carrying the change to its hosts; null: they got it at once',
    }),
  })
  .openapi('SpecUpdated');

/** The new ranges replace the old; every network on the physnet must keep its VLAN inside them. */
export const physnetUpdateSchema = z
  .object({ vlanRanges: physnetSchema.shape.vlanRanges })
  .strict()
  .openapi('PhysnetUpdate');

/** A rename any time; a new VLAN or physnet only while no port uses the network. */
export const networkUpdateSchema = z
  .object({
    name: nameSchema.optional(),
    physnet: nameSchema.optional(),
    vlan: vlanSchema.optional(),
  })
  .strict()
  .openapi('NetworkUpdate');
