import type { Page, PageQuery } from './page.js';
import type { QuotaOverrides, QuotaSetting } from './quota.js';

/** What a tenant holds, counted as the quota checks count it. */
export interface QuotaUsage {
  readonly instances: number;
  /** Ports holding a VF or a whole PF (every vnic type but `normal`). */
  readonly vfs: number;
  readonly networks: number;
  /** Every physnet: its VLAN count and how many of them the tenant's networks use. */
  readonly physnets: readonly {
    readonly physnet: string;
    readonly vlans: number;
    readonly used: number;
  }[];
}

export interface TenantOverrides {
  readonly tenant: string;
  readonly overrides: QuotaOverrides;
}

export type QuotaPatch = { readonly [K in keyof QuotaOverrides]?: QuotaSetting | undefined };

export interface QuotaStore {
  /** A tenant's overrides (all null without a row). */
  get(tenant: string): Promise<QuotaOverrides>;
  /** Tenants with at least one override, by tenant name. */
  list(page: PageQuery): Promise<Page<TenantOverrides>>;
  /** Absent fields stay; null goes back to the default; a row of nothing but nulls is dropped. */
  set(tenant: string, patch: QuotaPatch): Promise<QuotaOverrides>;
  usage(tenant: string): Promise<QuotaUsage>;
}
