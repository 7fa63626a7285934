import { VfleetError } from '../../core/errors.js';
import type { Kysely } from 'kysely';
import type { LiveMigrationStore } from '../../core/fleet/live-migration-store.js';
import type { LiveMigrationState } from '../../core/migration/live-migration-machine.js';
import type { Database } from './db-types.js';
import { withEvents, type EventTap } from './event-store.js';
import { nextGeneration } from './host-generation.js';
import { sameJson, writeAudit } from './audit-scope.js';
import { portViews } from './port-views.js';
import type { NewAudit } from '../../core/fleet/audit.js';

/** A migration's record: the instance it moves, between which hosts. */
const migrationAudit = (
  action: 'instance.migrate' | 'migration.step',
  m: { id: string; instanceId: string; source: string },
  before: unknown,
  after: unknown,
): NewAudit => ({
  action,
  object: { type: 'migration', id: m.id, name: null },
  host: m.source,
  instance: m.instanceId,
  vfs: [],
  macs: [],
  before,
  after,
  byFleet: action === 'migration.step',
});

const json = (v: unknown) => JSON.stringify(v);

/**
 * Live migration rows with their state machine and lease (0010-live-steps).
 * A migration's start and end events commit with the row: a controller
 * killed in between cannot leave a migration that ended without saying so.
 */
export function createLiveMigrationStore(db: Kysely<Database>, tap: EventTap): LiveMigrationStore {
  return {
    startLiveMigration: (m) =>
      withEvents(
        db,
        tap,
        async (tx, record) => {
          // The instance row lock makes "one running migration per instance" hold across
          // controllers, and a delete (which takes it too) either comes first or waits.
          const inst = await tx
            .selectFrom('instances')
            .leftJoin('instance_vms', 'instance_vms.instance_id', 'instances.id')
            .select(['instances.name', 'instance_vms.desired'])
            .where('instances.id', '=', m.instanceId)
            .forUpdate('instances')
            .executeTakeFirst();
          if (inst === undefined) throw new VfleetError('NOT_FOUND', `no instance ${m.instanceId}`);
          if (inst.desired !== 'running')
            throw new VfleetError('CONFLICT', `instance ${inst.name} is being deleted`);
          const running = await tx
            .selectFrom('migrations')
            .select('id')
            .where('instance_id', '=', m.instanceId)
            .where('state', '=', 'running')
            .executeTakeFirst();
          if (running !== undefined) return false;
          await tx
            .insertInto('migrations')
            .values({
              id: m.id,
              instance_id: m.instanceId,
              source: m.source,
              target: m.target,
              state: 'running',
              report: json(m.report),
              live_state: json(m.live),
              lease_owner: m.lease?.owner ?? null,
              lease_until: m.lease?.until ?? null,
              created_at: m.createdAt,
            })
            .execute();
          const after = { source: m.source, target: m.target, state: 'running', live: m.live };
          await writeAudit(tx, [migrationAudit('instance.migrate', m, null, after)], m.createdAt);
          record([m.event]);
          return true;
        },
        m.createdAt,
      ),

    leaseLiveMigrations: (owner, now, until, limit) =>
      db.transaction().execute(async (tx) => {
        const free = await tx
          .selectFrom('migrations')
          .select('id')
          .where('state', '=', 'running')
          .where('live_state', 'is not', null)
          .where((eb) =>
            eb.or([
              eb('lease_until', 'is', null),
              eb('lease_until', '<', now),
              eb('lease_owner', '=', owner),
            ]),
          )
          .orderBy('created_at')
          .limit(limit)
          .forUpdate()
          .skipLocked()
          .execute();
        if (free.length === 0) return [];
        const rows = await tx
          .updateTable('migrations')
          .set({ lease_owner: owner, lease_until: until })
          .where(
            'id',
            'in',
            free.map((r) => r.id),
          )
          .returning(['id', 'instance_id', 'source', 'target', 'live_state'])
          .execute();
        return rows.map((r) => ({
          id: r.id,
          instanceId: r.instance_id,
          source: r.source,
          target: r.target,
          // Written only by this store from the state machine's own value.
          live: r.live_state as LiveMigrationState,
        }));
      }),

    saveLiveMigration: (id, owner, live, report, until) =>
      db.transaction().execute(async (tx) => {
        const old = await tx
          .selectFrom('migrations')
          .select(['instance_id', 'source', 'live_state'])
          .where('id', '=', id)
          .forUpdate()
          .executeTakeFirst();
        const r = await tx
          .updateTable('migrations')
          .set({ live_state: json(live), report: json(report), lease_until: until })
          .where('id', '=', id)
          .where('state', '=', 'running')
          .where('lease_owner', '=', owner)
          .executeTakeFirst();
        const saved = Number(r.numUpdatedRows) === 1;
        // A step moved (not a lease renewal with the same state): the reconciler's change is recorded.
        if (saved && old !== undefined && !sameJson(old.live_state, live)) {
          const m = { id, instanceId: old.instance_id, source: old.source };
          await writeAudit(tx, [migrationAudit('migration.step', m, old.live_state, live)]);
        }
        return saved;
      }),

    finishLiveMigration: (id, owner, end) =>
      withEvents(
        db,
        tap,
        async (tx, record) => {
          const m = await tx
            .updateTable('migrations')
            .set({
              state: end.state,
              report: json(end.report),
              live_state: json(end.live),
              finished_at: end.now,
              lease_owner: null,
              lease_until: null,
            })
            .where('id', '=', id)
            .where('state', '=', 'running')
            .where('lease_owner', '=', owner)
            .returning(['instance_id', 'source', 'target'])
            .executeTakeFirst();
          if (m === undefined) return false;
          // The domain is the agents' again: both hosts hear of it. Host rows in one order,
          // before the instance row, as every transaction that locks two of them takes them.
          for (const h of [m.source, m.target].sort()) await nextGeneration(tx, h);
          if (end.move !== null) {
            await tx
              .updateTable('instances')
              .set({ host_id: end.move.hostId, numa_node: end.move.numaNode })
              .where('id', '=', m.instance_id)
              .execute();
          }
          const done = { id, instanceId: m.instance_id, source: m.source };
          const after = { state: end.state, target: m.target, live: end.live };
          // The VFs and MACs the instance holds now (on the target when it moved): who holds what.
          const ports = await portViews(tx, { instanceIds: [m.instance_id] });
          const held = {
            vfs: ports.map((p) => p.pciAddress).filter((a): a is string => a !== null),
            macs: ports.map((p) => p.mac).filter((a): a is string => a !== null),
          };
          const rec = { ...migrationAudit('migration.step', done, null, after), ...held };
          await writeAudit(tx, [rec], end.now);
          if (end.event !== null) record([end.event]);
          return true;
        },
        end.now,
      ),
  };
}
