import type { Kysely } from 'kysely';
import type { LiveMigrationStore } from '../../core/fleet/live-migration-store.js';
import type { LiveMigrationState } from '../../core/migration/live-migration-machine.js';
import type { Database } from './db-types.js';
import { nextGeneration } from './host-generation.js';

const json = (v: unknown) => JSON.stringify(v);

/** Live migration rows with their state machine and lease (0010-live-steps). */
export function createLiveMigrationStore(db: Kysely<Database>): LiveMigrationStore {
  return {
    startLiveMigration: (m) =>
      db.transaction().execute(async (tx) => {
        // The instance row lock makes "one running migration per instance" hold across controllers.
        await tx
          .selectFrom('instances')
          .select('id')
          .where('id', '=', m.instanceId)
          .forUpdate()
          .execute();
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
        return true;
      }),

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

    async saveLiveMigration(id, owner, live, report, until) {
      const r = await db
        .updateTable('migrations')
        .set({ live_state: json(live), report: json(report), lease_until: until })
        .where('id', '=', id)
        .where('state', '=', 'running')
        .where('lease_owner', '=', owner)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    finishLiveMigration: (id, owner, state, report, live, now) =>
      db.transaction().execute(async (tx) => {
        const m = await tx
          .updateTable('migrations')
          .set({
            state,
            report: json(report),
            live_state: json(live),
            finished_at: now,
            lease_owner: null,
            lease_until: null,
          })
          .where('id', '=', id)
          .where('state', '=', 'running')
          .where('lease_owner', '=', owner)
          .returning(['source', 'target'])
          .executeTakeFirst();
        if (m === undefined) return false;
        // The domain is the agents' again: both hosts hear of it.
        for (const h of [m.source, m.target].sort()) await nextGeneration(tx, h);
        return true;
      }),
  };
}
