import { z } from '@hono/zod-openapi';
import { nameSchema } from './common.js';

/** A limit: a count, or "unlimited". */
const limit = z
  .union([
    z.int('must be a whole number').min(0, 'must be 0 or more').max(1_000_000, 'at most 1000000'),
    z.literal('unlimited'),
  ])
  .openapi({ example: 10 });

/** An override: a limit, or null for the controller's default. */
const setting = limit.nullable();

export const quotaOverridesSchema = z
  .object({ instances: setting, vfs: setting, networks: setting, vlansPerPhysnet: setting })
  .openapi('QuotaOverrides', {
    description: 'per-tenant overrides: a count, "unlimited", or null for the default',
  });

export const quotaPatchSchema = z
  .object({
    instances: setting.optional(),
    vfs: setting.optional(),
    networks: setting.optional(),
    vlansPerPhysnet: setting.optional(),
  })
  .strict()
  .openapi('QuotaPatch', {
    description: 'absent: unchanged; null: back to the default; a count or "unlimited"',
  });

export const tenantQuotaSchema = z
  .object({ tenant: z.string() })
  .extend(quotaOverridesSchema.shape)
  .openapi('TenantQuota');

const used = z.object({ limit, usage: z.int() });

export const quotaReportSchema = z
  .object({
    tenant: z.string(),
    overrides: quotaOverridesSchema,
    instances: used,
    vfs: used.openapi({ description: 'VFs held by ports; a whole PF counts as one' }),
    networks: used,
    vlansPerPhysnet: z.array(
      z.object({
        physnet: z.string(),
        vlans: z.int().openapi({ description: "the physnet's VLAN count" }),
        limit,
        usage: z.int(),
      }),
    ),
  })
  .openapi('QuotaReport');

export const tenantParam = z.object({
  tenant: nameSchema.openapi({ param: { name: 'tenant', in: 'path' }, example: 'acme' }),
});
