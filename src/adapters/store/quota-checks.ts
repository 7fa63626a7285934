// Quota checks: reading a tenant's overrides and refusing what would exceed them.
import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import type { VlanRange } from '../../core/fleet/model.js';
import type { QuotaDefaults, QuotaOverrides, QuotaSetting } from '../../core/fleet/quota.js';
import { effectiveLimit, enforceQuota, NO_OVERRIDES, vlanCount } from '../../core/fleet/quota.js';
import type { Database } from './db-types.js';

type Db = Kysely<Database> | Transaction<Database>;

export const fromColumn = (v: number | null): QuotaSetting =>
  v === null ? null : v < 0 ? 'unlimited' : v;
export const toColumn = (s: QuotaSetting): number | null =>
  s === null ? null : s === 'unlimited' ? -1 : s;

export async function readOverrides(db: Db, tenant: string): Promise<QuotaOverrides> {
  const r = await db
    .selectFrom('quotas')
    .selectAll()
    .where('tenant', '=', tenant)
    .executeTakeFirst();
  if (!r) return NO_OVERRIDES;
  return {
    instances: fromColumn(r.instances),
    vfs: fromColumn(r.vfs),
    networks: fromColumn(r.networks),
    vlansPerPhysnet: fromColumn(r.vlans_per_physnet),
  };
}

/**
 * Orders the quota-checked writes of one tenant (network create and move,
 * instance claim) until the transaction ends, so two of them never both
 * count the usage from before the other: the check is exact. Taken first in
 * each of those transactions, before any row lock, so it cannot deadlock.
 * On PGlite (one connection) transactions already run one at a time.
 */
export async function lockTenant(tx: Transaction<Database>, tenant: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`vfleet-quota:${tenant}`}))`.execute(tx);
}

export const countOf = (r: { n: string | number | bigint } | undefined): number =>
  Number(r?.n ?? 0);

/** Network quotas for a tenant adding a network on `physnet` (a new one, or one moved there). */
export async function checkNetworkQuota(
  tx: Transaction<Database>,
  defaults: QuotaDefaults,
  q: { tenant: string; physnet: string; ranges: readonly VlanRange[]; newNetwork: boolean },
): Promise<void> {
  const o = await readOverrides(tx, q.tenant);
  const vlanLimit = effectiveLimit('vlansPerPhysnet', defaults, o, vlanCount(q.ranges));
  const netLimit = q.newNetwork ? effectiveLimit('networks', defaults, o) : null;
  if (vlanLimit !== null) {
    const used = await tx
      .selectFrom('networks')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('tenant', '=', q.tenant)
      .where('physnet', '=', q.physnet)
      .executeTakeFirst();
    enforceQuota({
      tenant: q.tenant,
      quota: 'vlansPerPhysnet',
      limit: vlanLimit,
      usage: countOf(used),
      requested: 1,
      physnet: q.physnet,
      field: 'physnet',
    });
  }
  if (netLimit !== null) {
    const used = await tx
      .selectFrom('networks')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('tenant', '=', q.tenant)
      .executeTakeFirst();
    enforceQuota({
      tenant: q.tenant,
      quota: 'networks',
      limit: netLimit,
      usage: countOf(used),
      requested: 1,
    });
  }
}

/** Instance and VF quotas for one claim; the caller holds the tenant lock when limits apply. */
export async function checkClaimQuota(
  tx: Transaction<Database>,
  defaults: QuotaDefaults,
  c: { tenant: string; devices: number },
): Promise<void> {
  const o = await readOverrides(tx, c.tenant);
  const instLimit = effectiveLimit('instances', defaults, o);
  const vfLimit = c.devices === 0 ? null : effectiveLimit('vfs', defaults, o);
  // No limit, no lock: unlimited tenants' claims keep running side by side.
  if (instLimit === null && vfLimit === null) return;
  await lockTenant(tx, c.tenant);
  if (instLimit !== null) {
    const used = await tx
      .selectFrom('instances')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('tenant', '=', c.tenant)
      .where('state', '<>', 'expired')
      .executeTakeFirst();
    enforceQuota({
      tenant: c.tenant,
      quota: 'instances',
      limit: instLimit,
      usage: countOf(used),
      requested: 1,
    });
  }
  if (vfLimit !== null) {
    const used = await tx
      .selectFrom('ports')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('tenant', '=', c.tenant)
      .where('vnic_type', '<>', 'normal')
      .executeTakeFirst();
    enforceQuota({
      tenant: c.tenant,
      quota: 'vfs',
      limit: vfLimit,
      usage: countOf(used),
      requested: c.devices,
      field: 'ports',
    });
  }
}
