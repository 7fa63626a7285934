import type { QuotaDefaults, QuotaOverrides } from '../core/fleet/quota.js';
import { effectiveLimit } from '../core/fleet/quota.js';
import type { QuotaStore } from '../core/fleet/quota-store.js';

type Limit = number | 'unlimited';
const shown = (n: number | null): Limit => n ?? 'unlimited';

/** `GET /v1/quotas/{tenant}`: the overrides, each limit that applies and what the tenant holds. */
export async function quotaReport(quotas: QuotaStore, defaults: QuotaDefaults, tenant: string) {
  const overrides: QuotaOverrides = await quotas.get(tenant);
  const usage = await quotas.usage(tenant);
  const one = (kind: 'instances' | 'vfs' | 'networks') => ({
    limit: shown(effectiveLimit(kind, defaults, overrides)),
    usage: usage[kind],
  });
  return {
    tenant,
    overrides: { ...overrides },
    instances: one('instances'),
    vfs: one('vfs'),
    networks: one('networks'),
    vlansPerPhysnet: usage.physnets.map((p) => ({
      physnet: p.physnet,
      vlans: p.vlans,
      limit: shown(effectiveLimit('vlansPerPhysnet', defaults, overrides, p.vlans)),
      usage: p.used,
    })),
  };
}
