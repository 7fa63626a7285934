import { VfleetError } from '../errors.js';
import type { VlanRange } from './model.js';

/**
 * Per-tenant quotas: what one tenant may hold so it cannot starve the
 * others on a shared fleet. A limit is a count, or null for no limit.
 */
export const QUOTA_KINDS = ['instances', 'vfs', 'networks', 'vlansPerPhysnet'] as const;
export type QuotaKind = (typeof QUOTA_KINDS)[number];

/** The controller's defaults for every tenant without an override (ControllerConfig.quotas). */
export interface QuotaDefaults {
  readonly instances: number | null;
  /** VFs held by a tenant's ports; a whole PF (direct-physical) counts as one. */
  readonly vfs: number | null;
  readonly networks: number | null;
  /**
   * The share of each physnet's VLANs one tenant may take: ceil(share x
   * VLANs), at least 1. 0.5 keeps one tenant from ever taking them all.
   */
  readonly vlanShare: number | null;
}

export const DEFAULT_QUOTAS: QuotaDefaults = {
  instances: 100,
  vfs: 256,
  networks: 50,
  vlanShare: 0.5,
};

/** No limit at all (benchmarks, single-user labs). */
export const UNLIMITED_QUOTAS: QuotaDefaults = {
  instances: null,
  vfs: null,
  networks: null,
  vlanShare: null,
};

/** An admin's override of one quota: a count, 'unlimited', or null for the default. */
export type QuotaSetting = number | 'unlimited' | null;

export type QuotaOverrides = Readonly<Record<QuotaKind, QuotaSetting>>;

export const NO_OVERRIDES: QuotaOverrides = {
  instances: null,
  vfs: null,
  networks: null,
  vlansPerPhysnet: null,
};

export const vlanCount = (ranges: readonly VlanRange[]): number =>
  ranges.reduce((n, r) => n + Math.max(0, r.max - r.min + 1), 0);

/** The default VLAN limit on a physnet of `vlans` VLANs. */
export function fairVlanShare(share: number | null, vlans: number): number | null {
  if (share === null) return null;
  return Math.max(1, Math.ceil(share * vlans));
}

const setting = (s: QuotaSetting, fallback: number | null): number | null =>
  s === null ? fallback : s === 'unlimited' ? null : s;

/** The limit that applies to one tenant; for vlansPerPhysnet pass the physnet's VLAN count. */
export function effectiveLimit(
  kind: QuotaKind,
  defaults: QuotaDefaults,
  overrides: QuotaOverrides,
  physnetVlans = 0,
): number | null {
  if (kind === 'vlansPerPhysnet')
    return setting(overrides.vlansPerPhysnet, fairVlanShare(defaults.vlanShare, physnetVlans));
  return setting(overrides[kind], defaults[kind]);
}

export interface QuotaCheck {
  readonly tenant: string;
  readonly quota: QuotaKind;
  readonly limit: number | null;
  /** Held now, before this request. */
  readonly usage: number;
  /** What this request adds. */
  readonly requested: number;
  readonly physnet?: string;
  /** The input at fault, when one is (`physnet` for a VLAN quota). */
  readonly field?: string;
}

const NOUN: Record<QuotaKind, string> = {
  instances: 'instance(s)',
  vfs: 'VF(s)',
  networks: 'network(s)',
  vlansPerPhysnet: 'VLAN(s)',
};

/** Throws QUOTA_EXCEEDED (409) naming the quota, its limit and the usage when the request does not fit. */
export function enforceQuota(c: QuotaCheck): void {
  if (c.limit === null || c.usage + c.requested <= c.limit) return;
  const where = c.physnet === undefined ? '' : ` on physnet ${c.physnet}`;
  throw new VfleetError(
    'QUOTA_EXCEEDED',
    `quota exceeded: tenant ${c.tenant} holds ${c.usage} of at most ${c.limit} ${NOUN[c.quota]}${where} and asks for ${c.requested} more; delete some, or ask an admin to raise the quota (vfleet quota set ${c.tenant} ...)`,
    {
      ...(c.field === undefined ? {} : { field: c.field }),
      quota: c.quota,
      tenant: c.tenant,
      limit: c.limit,
      usage: c.usage,
      requested: c.requested,
      ...(c.physnet === undefined ? {} : { physnet: c.physnet }),
    },
  );
}
