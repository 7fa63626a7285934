import type { Kysely } from 'kysely';
import type { DesiredInputs, HostStore } from '../../core/fleet/host-store.js';
import { ZERO_MAC } from '../../core/mac-address.js';
import type { Database } from './db-types.js';
import { recordApplied } from './host-applied.js';
import { withEvents, type EventTap } from './event-store.js';
import { writeAudit } from './audit-scope.js';
import { fleetOn, objectAudit } from './audit-entries.js';
import { recordReport } from './inventory-sync.js';
import { fleetCapacity, vfsByHost } from './fleet-capacity.js';
import { specRollout } from './spec-rollout.js';
import { hostCounts, hostPage } from './host-list.js';
import { hostHolders } from './port-views.js';
import { toHost, toPf, toVf } from './rows.js';
import { loadSpecs } from './spec-tagging.js';
import { heartbeatByDigest, writeSightings } from './host-heartbeat.js';
import { groupRows } from './group-rows.js';
import { heldBackSpecs } from './rollout-reads.js';
import { governingSpec } from '../../core/fleet/spec-match.js';

export function createHostStore(db: Kysely<Database>, tap: EventTap): HostStore {
  const get = async (id: string) => {
    const row = await db.selectFrom('hosts').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toHost(row) : null;
  };
  return {
    async register(id, labels, now) {
      await db.transaction().execute(async (tx) => {
        const known = await tx
          .selectFrom('hosts')
          .select('id')
          .where('id', '=', id)
          .executeTakeFirst();
        await tx
          .insertInto('hosts')
          .values({
            id,
            labels: JSON.stringify(labels),
            numa_nodes: JSON.stringify([]),
            findings: JSON.stringify([]),
            memory_mb: null,
            healthy: null,
            last_seen: now,
            last_apply_message: null,
            created_at: now,
          })
          .onConflict((oc) => oc.column('id').doUpdateSet({ last_seen: now }))
          .execute();
        // A new host is a change of the fleet; an agent registering again only says it lives.
        if (known === undefined)
          await writeAudit(
            tx,
            [{ ...fleetOn(id), action: 'host.register', after: { id, labels } }],
            now,
          );
      });
      const host = await get(id);
      if (host === null) throw new Error(`host ${id} vanished while registering`);
      return host;
    },
    get,
    page: (q, filter) => hostPage(db, q, filter),
    counts: (ids) => hostCounts(db, ids),
    capacity: (staleBefore) => fleetCapacity(db, staleBefore),
    vfsByHost: () => vfsByHost(db),
    specRollout: (specId, limit) => specRollout(db, specId, limit),
    setLabels: (id, labels, note) =>
      withEvents(
        db,
        tap,
        async (tx, record) => {
          const old = await tx
            .selectFrom('hosts')
            .select('labels')
            .where('id', '=', id)
            .forUpdate()
            .executeTakeFirst();
          const row = await tx
            .updateTable('hosts')
            .set({ labels: JSON.stringify(labels) })
            .where('id', '=', id)
            .returningAll()
            .executeTakeFirst();
          if (!row) return null;
          const host = toHost(row);
          const what = { type: 'host' as const, id, name: id };
          await writeAudit(
            tx,
            [
              objectAudit(
                'host.label',
                what,
                { labels: old?.labels ?? {} },
                { labels: host.labels },
                id,
              ),
            ],
            note?.at,
          );
          if (note !== undefined) record([note.describe(host)]);
          return host;
        },
        note?.at ?? '',
      ),
    async devices(id) {
      const pfs = await db
        .selectFrom('pfs')
        .selectAll()
        .where('host_id', '=', id)
        .orderBy('pci_address')
        .execute();
      const vfs = await db
        .selectFrom('vfs')
        .selectAll()
        .where('host_id', '=', id)
        .orderBy('pf_id')
        .orderBy('vf_index')
        .execute();
      return { pfs: pfs.map(toPf), vfs: vfs.map(toVf) };
    },
    holders: (id) => hostHolders(db, id),
    report: (id, report, facts, now) => recordReport(db, id, report, facts, now, tap),
    heartbeat: (id, digest, now) => heartbeatByDigest(db, id, digest, now),
    writeSightings: (sightings) => writeSightings(db, sightings),
    async desiredInputs(ids) {
      const out = new Map<string, DesiredInputs>();
      if (ids.length === 0) return out;
      const hosts = await db.selectFrom('hosts').selectAll().where('id', 'in', ids).execute();
      if (hosts.length === 0) return out;
      const known = hosts.map((h) => h.id);
      const pfs = await db.selectFrom('pfs').selectAll().where('host_id', 'in', known).execute();
      // In precedence order: a VF's tags (its owner among them) come from the oldest spec selecting it.
      const specs = await loadSpecs(db);
      // A VF held for a migrating port carries its settings too: the target VF is configured
      // before the instance moves onto it (a render-only move has no libvirt to do it).
      const bound = await db
        .selectFrom('vfs')
        .innerJoin('ports', (j) =>
          j.on((eb) =>
            eb.or([
              eb('ports.id', '=', eb.ref('vfs.port_id')),
              eb('ports.id', '=', eb.ref('vfs.migration_port')),
            ]),
          ),
        )
        .innerJoin('networks', 'networks.id', 'ports.network_id')
        .select([
          'vfs.host_id',
          'vfs.pf_id',
          'vfs.vf_index',
          'ports.mac',
          'networks.vlan',
          'ports.trusted',
          'ports.spoofchk',
          'ports.max_tx_rate',
          'ports.min_tx_rate',
        ])
        .where('vfs.host_id', 'in', known)
        .execute();
      const pfsOf = groupRows(pfs, (p) => p.host_id, toPf);
      const boundOf = groupRows(
        bound,
        (b) => b.host_id,
        (b) => ({
          pfId: b.pf_id,
          index: b.vf_index,
          // A VF's port always has a MAC (only whole-PF ports have none).
          mac: b.mac ?? ZERO_MAC,
          vlan: b.vlan,
          trusted: b.trusted,
          spoofchk: b.spoofchk,
          maxTxRate: b.max_tx_rate,
          minTxRate: b.min_tx_rate,
        }),
      );
      const heldBack = await heldBackSpecs(db, known);
      for (const row of hosts) {
        const before = heldBack.get(row.id);
        const pfs = pfsOf.get(row.id) ?? [];
        out.set(row.id, {
          host: toHost(row),
          // Held back by a rollout: the specs, and so which spec governs each PF, as they were.
          pfs:
            before === undefined
              ? pfs
              : pfs.map((pf) => ({ ...pf, specId: governingSpec(before, pf)?.id ?? null })),
          specs: before ?? specs,
          bound: boundOf.get(row.id) ?? [],
        });
      }
      return out;
    },
    applied: (id, outcome, vms, now) => recordApplied(db, id, outcome, vms, now, tap),
  };
}
