import type { Kysely } from 'kysely';
import { VfleetError } from '../../core/errors.js';
import type { CatalogStore } from '../../core/fleet/catalog-store.js';
import { firstFreeVlan, vlanInRanges } from '../../core/fleet/vlan-ranges.js';
import type { Database } from './db-types.js';
import { withEvents, type EventTap } from './event-store.js';
import { writeAudit } from './audit-scope.js';
import { objectAudit } from './audit-entries.js';
import type { DeviceSpec, Network, Physnet } from '../../core/fleet/model.js';

const specWhat = (s: DeviceSpec) => ({ type: 'spec' as const, id: s.id, name: s.name });
const physnetWhat = (p: Physnet) => ({ type: 'physnet' as const, id: p.name, name: p.name });
const networkWhat = (n: Network) => ({ type: 'network' as const, id: n.id, name: n.name });
import { refuseNetworkClash } from './network-clash.js';
import { networkConflict, updateNetworkTx, updatePhysnetTx } from './network-updates.js';
import { networkPage, physnetPage, specPage } from './list-pages.js';
import { portPage, portViews } from './port-views.js';
import { checkNetworkQuota, lockTenant } from './quota-checks.js';
import { toNetwork, toPf, toSpec, uniqueViolation } from './rows.js';
import { bumpHosts, loadSpecs, retagPfs } from './spec-tagging.js';
import { inSpecScope } from './spec-scope.js';
import { updateSpecTx } from './spec-updates.js';
import { refuseWhileRolling } from './rollout-start.js';

export function createCatalogStore(db: Kysely<Database>, tap: EventTap): CatalogStore {
  return {
    // A spec and the re-tag of the hosts it selects commit together (spec-scope.ts).
    createSpec: (s) =>
      inSpecScope(
        db,
        () => Promise.resolve([s]),
        async (tx, { pfs, hosts }) => {
          await refuseWhileRolling(tx);
          const row = await tx
            .insertInto('device_specs')
            .values({
              id: s.id,
              name: s.name,
              vendor: s.vendor,
              device: s.device,
              driver: s.driver,
              pci_address: s.pciAddress,
              pf: s.pf,
              physnet: s.physnet,
              trusted: s.trusted,
              num_vfs: s.numVfs,
              vf_driver: s.vfDriver,
              whole_pf: s.wholePf,
              owner: s.owner,
              bandwidth: s.bandwidth === null ? null : JSON.stringify(s.bandwidth),
              eswitch_mode: s.eswitchMode,
              vdpa: s.vdpa,
              created_at: s.createdAt,
            })
            .returningAll()
            .executeTakeFirstOrThrow();
          const specs = await loadSpecs(tx);
          await retagPfs(tx, specs, pfs);
          await bumpHosts(tx, hosts, specs);
          const made = toSpec(row);
          await writeAudit(
            tx,
            [objectAudit('spec.create', specWhat(made), null, made)],
            s.createdAt,
          );
          return made;
        },
      )
        .then((made) => {
          if (made === null) throw new Error('spec create: no scope');
          return made;
        })
        .catch(conflict('spec', 'name', `a spec named ${s.name} exists`)),
    listSpecs: () => loadSpecs(db),
    pageSpecs: (q) => specPage(db, q),
    pagePhysnets: (q) => physnetPage(db, q),
    pageNetworks: (tenant, q) => networkPage(db, tenant, q),
    pagePorts: (f, q) => portPage(db, f, q),
    async getSpec(id) {
      const row = await db
        .selectFrom('device_specs')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? toSpec(row) : null;
    },
    removeSpec: async (id) => {
      const spec = async (q: Kysely<Database>) => {
        const row = await q
          .selectFrom('device_specs')
          .selectAll()
          .where('id', '=', id)
          .executeTakeFirst();
        return row ? [toSpec(row)] : null;
      };
      const removed = await inSpecScope(db, spec, async (tx, { pfs, hosts }) => {
        await refuseWhileRolling(tx);
        const gone = await tx
          .deleteFrom('device_specs')
          .where('id', '=', id)
          .returningAll()
          .execute();
        const old = gone[0];
        if (old === undefined) return false;
        const specs = await loadSpecs(tx);
        await retagPfs(tx, specs, pfs);
        await bumpHosts(tx, hosts, specs);
        const was = toSpec(old);
        await writeAudit(tx, [objectAudit('spec.delete', specWhat(was), was, null)]);
        return true;
      });
      return removed === true;
    },
    updateSpec: async (spec) => (await updateSpecTx(db, spec))?.spec ?? null,
    async allPfs() {
      const rows = await db
        .selectFrom('pfs')
        .selectAll()
        .orderBy('host_id')
        .orderBy('pci_address')
        .execute();
      return rows.map(toPf);
    },
    async createPhysnet(p) {
      await db
        .transaction()
        .execute(async (tx) => {
          await tx
            .insertInto('physnets')
            .values({ name: p.name, vlan_ranges: JSON.stringify(p.vlanRanges) })
            .execute();
          await writeAudit(tx, [objectAudit('physnet.create', physnetWhat(p), null, p)]);
        })
        .catch(conflict('physnet', 'name', `physnet ${p.name} exists`));
      return p;
    },
    async getPhysnet(name) {
      const r = await db
        .selectFrom('physnets')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst();
      return r ? { name: r.name, vlanRanges: r.vlan_ranges } : null;
    },
    async removePhysnet(name) {
      const used = await db
        .selectFrom('networks')
        .select('id')
        .where('physnet', '=', name)
        .union(db.selectFrom('device_specs').select('id').where('physnet', '=', name))
        .executeTakeFirst();
      if (used) {
        throw new VfleetError(
          'CONFLICT',
          `physnet ${name} is used by networks or specs; delete those first`,
          {
            field: 'name',
          },
        );
      }
      return db.transaction().execute(async (tx) => {
        const gone = await tx
          .deleteFrom('physnets')
          .where('name', '=', name)
          .returningAll()
          .execute();
        for (const g of gone) {
          const old = { name: g.name, vlanRanges: g.vlan_ranges };
          await writeAudit(tx, [objectAudit('physnet.delete', physnetWhat(old), old, null)]);
        }
        return gone.length > 0;
      });
    },
    updatePhysnet: (p) => updatePhysnetTx(db, p),
    async createNetwork(n, note) {
      // The physnet row lock serializes VLAN picks; the unique index is the backstop.
      const row = await withEvents(
        db,
        tap,
        async (tx, record) => {
          // Tenant lock first, then the physnet's: the order every quota-checked write keeps.
          if (n.quotas !== undefined) await lockTenant(tx, n.tenant);
          const pn = await tx
            .selectFrom('physnets')
            .selectAll()
            .where('name', '=', n.physnet)
            .forUpdate()
            .executeTakeFirst();
          if (!pn)
            throw new VfleetError('INVALID_INPUT', `physnet ${n.physnet} does not exist`, {
              field: 'physnet',
            });
          if (n.quotas !== undefined) {
            await checkNetworkQuota(tx, n.quotas, {
              tenant: n.tenant,
              physnet: n.physnet,
              ranges: pn.vlan_ranges,
              newNetwork: true,
            });
          }
          const used = await tx
            .selectFrom('networks')
            .select('vlan')
            .where('physnet', '=', n.physnet)
            .execute();
          const ranges = pn.vlan_ranges;
          const text = ranges.map((r) => `${r.min}-${r.max}`).join(', ') || 'none';
          let vlan = n.vlan;
          if (vlan === null) {
            vlan = firstFreeVlan(ranges, new Set(used.map((u) => u.vlan)));
            if (vlan === null) {
              throw new VfleetError(
                'NO_CAPACITY',
                `physnet ${n.physnet} has no free VLAN left in its ranges (${text})`,
                {
                  field: 'vlan',
                },
              );
            }
          } else if (!vlanInRanges(vlan, ranges)) {
            throw new VfleetError(
              'INVALID_INPUT',
              `VLAN ${vlan} is outside the ranges of physnet ${n.physnet} (${text})`,
              {
                field: 'vlan',
              },
            );
          }
          await refuseNetworkClash(tx, { ...n, vlan }, n.revealOthers === true);
          const made = await tx
            .insertInto('networks')
            .values({ id: n.id, name: n.name, tenant: n.tenant, physnet: n.physnet, vlan })
            .returningAll()
            .executeTakeFirstOrThrow();
          const net = toNetwork(made);
          await writeAudit(
            tx,
            [objectAudit('network.create', networkWhat(net), null, net)],
            note?.at,
          );
          if (note !== undefined) record([note.describe(net)]);
          return made;
        },
        note?.at ?? '',
      ).catch(networkConflict(n.name, n.tenant));
      return toNetwork(row);
    },
    async getNetwork(id) {
      const r = await db.selectFrom('networks').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toNetwork(r) : null;
    },
    async networkByName(tenant, name) {
      const r = await db
        .selectFrom('networks')
        .selectAll()
        .where('tenant', '=', tenant)
        .where('name', '=', name)
        .executeTakeFirst();
      return r ? toNetwork(r) : null;
    },
    removeNetwork: (id, note) =>
      withEvents(
        db,
        tap,
        async (tx, record) => {
          // The row lock keeps a new port (its foreign key check waits for it) from slipping in.
          const cur = await tx
            .selectFrom('networks')
            .selectAll()
            .where('id', '=', id)
            .forUpdate()
            .executeTakeFirst();
          if (!cur) return false;
          const used = await tx
            .selectFrom('ports')
            .select('id')
            .where('network_id', '=', id)
            .executeTakeFirst();
          if (used)
            throw new VfleetError(
              'CONFLICT',
              `network ${id} still has ports; delete their instances first`,
            );
          await tx.deleteFrom('networks').where('id', '=', id).execute();
          const old = toNetwork(cur);
          await writeAudit(
            tx,
            [objectAudit('network.delete', networkWhat(old), old, null)],
            note?.at,
          );
          if (note !== undefined) record([note.describe(old)]);
          return true;
        },
        note?.at ?? '',
      ),
    updateNetwork: (id, patch, quotas, revealOthers, note) =>
      updateNetworkTx(db, tap, { id, patch, quotas, revealOthers: revealOthers === true, note }),
    async getPort(id) {
      return (await portViews(db, { portId: id }))[0] ?? null;
    },
  };
}

const conflict =
  (what: string, field: string, message: string) =>
  (e: unknown): never => {
    if (uniqueViolation(e) !== null)
      throw new VfleetError('CONFLICT', message, { field, kind: what });
    throw e;
  };
