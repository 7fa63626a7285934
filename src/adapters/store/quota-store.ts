import type { Kysely } from 'kysely';
import { pageOf } from '../../core/fleet/page.js';
import type { QuotaOverrides } from '../../core/fleet/quota.js';
import { QUOTA_KINDS, vlanCount } from '../../core/fleet/quota.js';
import type { QuotaStore } from '../../core/fleet/quota-store.js';
import type { Database } from './db-types.js';
import { countOf, fromColumn, readOverrides, toColumn } from './quota-checks.js';
import { writeAudit } from './audit-scope.js';
import { objectAudit } from './audit-entries.js';

const quotaAudit = (tenant: string, before: QuotaOverrides, after: QuotaOverrides) =>
  objectAudit('quota.set', { type: 'quota', id: tenant, name: tenant }, before, after);

export function createQuotaStore(db: Kysely<Database>): QuotaStore {
  return {
    get: (tenant) => readOverrides(db, tenant),
    async list(page) {
      let q = db
        .selectFrom('quotas')
        .selectAll()
        .orderBy('tenant')
        .limit(page.limit + 1);
      if (page.after !== null) q = q.where('tenant', '>', String(page.after[0]));
      return pageOf(
        await q.execute(),
        page.limit,
        (r) => [r.tenant],
        (r) => ({
          tenant: r.tenant,
          overrides: {
            instances: fromColumn(r.instances),
            vfs: fromColumn(r.vfs),
            networks: fromColumn(r.networks),
            vlansPerPhysnet: fromColumn(r.vlans_per_physnet),
          },
        }),
      );
    },
    async set(tenant, patch) {
      return db.transaction().execute(async (tx) => {
        const cur = await readOverrides(tx, tenant);
        const next: { -readonly [K in keyof QuotaOverrides]: QuotaOverrides[K] } = { ...cur };
        for (const k of QUOTA_KINDS) {
          const v = patch[k];
          if (v !== undefined) next[k] = v;
        }
        await writeAudit(tx, [quotaAudit(tenant, cur, next)]);
        if (QUOTA_KINDS.every((k) => next[k] === null)) {
          await tx.deleteFrom('quotas').where('tenant', '=', tenant).execute();
          return next;
        }
        const row = {
          instances: toColumn(next.instances),
          vfs: toColumn(next.vfs),
          networks: toColumn(next.networks),
          vlans_per_physnet: toColumn(next.vlansPerPhysnet),
        };
        await tx
          .insertInto('quotas')
          .values({ tenant, ...row })
          .onConflict((oc) => oc.column('tenant').doUpdateSet(row))
          .execute();
        return next;
      });
    },
    async usage(tenant) {
      const count = async (table: 'instances' | 'ports' | 'networks') => {
        let q = db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string | number>().as('n'))
          .where('tenant', '=', tenant);
        if (table === 'instances') q = q.where('state', '<>', 'expired');
        if (table === 'ports') q = q.where('vnic_type', '<>', 'normal');
        return countOf(await q.executeTakeFirst());
      };
      const physnets = await db.selectFrom('physnets').selectAll().orderBy('name').execute();
      const used = await db
        .selectFrom('networks')
        .select('physnet')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('tenant', '=', tenant)
        .groupBy('physnet')
        .execute();
      return {
        instances: await count('instances'),
        vfs: await count('ports'),
        networks: await count('networks'),
        physnets: physnets.map((p) => ({
          physnet: p.name,
          vlans: vlanCount(p.vlan_ranges),
          used: countOf(used.find((u) => u.physnet === p.name)),
        })),
      };
    },
  };
}
