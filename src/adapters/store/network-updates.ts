// Physnet and network updates, checked against the ports and VLANs they would disturb.
import type { Kysely, Transaction } from 'kysely';
import { VfleetError } from '../../core/errors.js';
import type { Network, Physnet, VlanRange } from '../../core/fleet/model.js';
import type { QuotaDefaults } from '../../core/fleet/quota.js';
import type { NetworkPatch } from '../../core/fleet/catalog-store.js';
import { vlanInRanges } from '../../core/fleet/vlan-ranges.js';
import type { Database } from './db-types.js';
import { withEvents, type EventTap } from './event-store.js';
import { writeAudit } from './audit-scope.js';
import { objectAudit } from './audit-entries.js';
import type { EventNote } from '../../core/fleet/events.js';
import { checkNetworkQuota, lockTenant } from './quota-checks.js';
import { refuseNetworkClash } from './network-clash.js';
import { toNetwork, uniqueViolation } from './rows.js';

type Tx = Transaction<Database>;

const rangesText = (ranges: readonly VlanRange[]): string =>
  ranges.map((r) => `${r.min}-${r.max}`).join(', ') || 'none';

/**
 * New VLAN ranges for a physnet. Its row lock (taken by network creation
 * too) keeps a network from picking a VLAN the new ranges leave out while
 * we check; every network on it must keep its VLAN inside them.
 */
export async function updatePhysnetTx(db: Kysely<Database>, p: Physnet): Promise<Physnet | null> {
  return db.transaction().execute(async (tx) => {
    const old = await lockPhysnet(tx, p.name);
    if (old === null) return null;
    const nets = await tx
      .selectFrom('networks')
      .select(['id', 'name', 'tenant', 'vlan'])
      .where('physnet', '=', p.name)
      .orderBy('vlan')
      .execute();
    const outside = nets.filter((n) => !vlanInRanges(n.vlan, p.vlanRanges));
    if (outside.length > 0) {
      const names = outside.map((n) => `${n.tenant}/${n.name} (VLAN ${n.vlan})`).join(', ');
      throw new VfleetError(
        'CONFLICT',
        `physnet ${p.name}: the new ranges (${rangesText(p.vlanRanges)}) leave out the VLAN of network(s) ${names}; change or delete those networks first`,
        { field: 'vlanRanges', networks: outside },
      );
    }
    await tx
      .updateTable('physnets')
      .set({ vlan_ranges: JSON.stringify(p.vlanRanges) })
      .where('name', '=', p.name)
      .execute();
    const what = { type: 'physnet' as const, id: p.name, name: p.name };
    const after = { name: p.name, vlanRanges: p.vlanRanges };
    await writeAudit(tx, [
      objectAudit('physnet.update', what, { name: p.name, vlanRanges: old }, after),
    ]);
    return { name: p.name, vlanRanges: p.vlanRanges.map((r) => ({ ...r })) };
  });
}

/**
 * Renames a network, or moves it to another VLAN or physnet. A move is
 * refused while a port uses the network: its VFs carry the VLAN. The
 * network row is locked FOR UPDATE, which a new port's foreign key check
 * waits for, so no port slips in between the check and the move.
 */
export async function updateNetworkTx(
  db: Kysely<Database>,
  tap: EventTap,
  u: NetworkUpdate,
): Promise<Network | null> {
  const { id, patch, quotas, revealOthers, note } = u;
  return withEvents(
    db,
    tap,
    async (tx, record) => {
      // A move may count against a VLAN quota. A network never changes tenant:
      // lock its tenant before the row (the quota lock order, quota-checks.ts).
      if (quotas !== undefined && patch.physnet !== undefined) {
        const owner = await tx
          .selectFrom('networks')
          .select('tenant')
          .where('id', '=', id)
          .executeTakeFirst();
        if (!owner) return null;
        await lockTenant(tx, owner.tenant);
      }
      const cur = await tx
        .selectFrom('networks')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!cur) return null;
      const physnet = patch.physnet ?? cur.physnet;
      const vlan = patch.vlan ?? cur.vlan;
      if (physnet !== cur.physnet || vlan !== cur.vlan) {
        await refuseMoveWithPorts(tx, cur, physnet !== cur.physnet ? 'physnet' : 'vlan');
        const ranges = await lockPhysnet(tx, physnet);
        if (ranges === null)
          throw new VfleetError('INVALID_INPUT', `physnet ${physnet} does not exist`, {
            field: 'physnet',
          });
        if (!vlanInRanges(vlan, ranges))
          throw new VfleetError(
            'INVALID_INPUT',
            `VLAN ${vlan} is outside the ranges of physnet ${physnet} (${rangesText(ranges)})`,
            { field: 'vlan' },
          );
        if (quotas !== undefined && physnet !== cur.physnet) {
          await checkNetworkQuota(tx, quotas, {
            tenant: cur.tenant,
            physnet,
            ranges,
            newNetwork: false,
          });
        }
      }
      await refuseNetworkClash(
        tx,
        { id, name: patch.name ?? cur.name, tenant: cur.tenant, physnet, vlan },
        revealOthers,
      );
      const row = await tx
        .updateTable('networks')
        .set({ name: patch.name ?? cur.name, physnet, vlan })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      const updated = toNetwork(row);
      const what = { type: 'network' as const, id, name: updated.name };
      await writeAudit(
        tx,
        [objectAudit('network.update', what, toNetwork(cur), updated)],
        note?.at,
      );
      if (note !== undefined) record([note.describe(updated)]);
      return updated;
    },
    note?.at ?? '',
  ).catch(networkConflict(patch.name ?? id, null));
}

export interface NetworkUpdate {
  readonly id: string;
  readonly patch: NetworkPatch;
  readonly quotas: QuotaDefaults | undefined;
  readonly revealOthers: boolean;
  readonly note: EventNote<Network> | undefined;
}

/**
 * The unique index's backstop (refuseNetworkClash answers first): which
 * constraint fired names the field, never "this or that".
 */
export const networkConflict =
  (name: string, tenant: string | null) =>
  (e: unknown): never => {
    const which = uniqueViolation(e);
    if (which === null) throw e;
    const vlan = which.includes('vlan');
    throw new VfleetError(
      'CONFLICT',
      vlan
        ? `network ${name}: its VLAN on its physnet was just taken by another network`
        : `network ${name} already exists${tenant === null ? ' for its tenant' : ` for tenant ${tenant}`}`,
      { field: vlan ? 'vlan' : 'name', kind: 'network' },
    );
  };

async function lockPhysnet(tx: Tx, name: string): Promise<readonly VlanRange[] | null> {
  const row = await tx
    .selectFrom('physnets')
    .selectAll()
    .where('name', '=', name)
    .forUpdate()
    .executeTakeFirst();
  return row ? row.vlan_ranges : null;
}

async function refuseMoveWithPorts(
  tx: Tx,
  n: { id: string; name: string; tenant: string },
  field: 'physnet' | 'vlan',
): Promise<void> {
  const ports = await tx
    .selectFrom('ports')
    .select(['id', 'mac', 'instance_id'])
    .where('network_id', '=', n.id)
    .orderBy('mac')
    .limit(101)
    .execute();
  if (ports.length === 0) return;
  const shown = ports
    .slice(0, 5)
    .map((p) => p.mac)
    .join(', ');
  const more = ports.length > 5 ? ', ...' : '';
  throw new VfleetError(
    'CONFLICT',
    `network ${n.tenant}/${n.name}: its ${field === 'vlan' ? 'VLAN' : 'physnet'} may change only while no port uses it; port(s) ${shown}${more} do; delete their instances first`,
    {
      field,
      ports: ports.slice(0, 100).map((p) => ({ id: p.id, mac: p.mac, instance: p.instance_id })),
    },
  );
}
