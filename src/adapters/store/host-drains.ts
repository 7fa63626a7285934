import type { Kysely, Selectable, Transaction } from 'kysely';
import type {
  HostCordon,
  HostDrain,
  MaintenanceStore,
} from '../../core/fleet/maintenance-store.js';
import { isOneOf } from '../../core/vocabulary.js';
import { DRAIN_STATES } from '../../core/fleet/maintenance-store.js';
import {
  deleteAllocationRule,
  loadAllocationRules,
  setAllocationRule,
} from './allocation-rules.js';
import { objectAudit } from './audit-entries.js';
import { writeAudit } from './audit-scope.js';
import type { Database, HostDrainsTable } from './db-types.js';
import { withEvents, type EventTap } from './event-store.js';
import { iso } from './rows.js';

type Tx = Transaction<Database>;

const toDrain = (r: Selectable<HostDrainsTable>): HostDrain => ({
  host: r.host_id,
  state: isOneOf(DRAIN_STATES, r.state) ? r.state : 'stuck',
  maxParallel: r.max_parallel,
  startedAt: iso(r.started_at),
  updatedAt: iso(r.updated_at),
  finishedAt: r.finished_at === null ? null : iso(r.finished_at),
  blocked: r.blocked,
  message: r.message,
});

const hostWhat = (id: string) => ({ type: 'host' as const, id, name: id });

async function readCordon(q: Kysely<Database>, host: string, lock: boolean) {
  let s = q
    .selectFrom('hosts')
    .select(['id', 'cordoned', 'cordon_reason', 'cordoned_at'])
    .where('id', '=', host);
  if (lock) s = s.forUpdate();
  const r = await s.executeTakeFirst();
  return r === undefined
    ? null
    : {
        host: r.id,
        cordoned: r.cordoned,
        reason: r.cordon_reason,
        since: r.cordoned_at === null ? null : iso(r.cordoned_at),
      };
}

async function writeCordon(
  tx: Tx,
  host: string,
  c: { cordoned: boolean; reason: string | null },
  at: string,
): Promise<{ before: HostCordon; after: HostCordon } | null> {
  const before = await readCordon(tx, host, true);
  if (before === null) return null;
  // Cordoning again keeps the first time (and takes the new reason); uncordoning clears both.
  const since = c.cordoned ? (before.since ?? at) : null;
  await tx
    .updateTable('hosts')
    .set({ cordoned: c.cordoned, cordon_reason: c.cordoned ? c.reason : null, cordoned_at: since })
    .where('id', '=', host)
    .execute();
  return {
    before,
    after: { host, cordoned: c.cordoned, reason: c.cordoned ? c.reason : null, since },
  };
}

export function createMaintenanceStore(db: Kysely<Database>, tap: EventTap): MaintenanceStore {
  const drain = async (q: Kysely<Database>, host: string) => {
    const r = await q
      .selectFrom('host_drains')
      .selectAll()
      .where('host_id', '=', host)
      .executeTakeFirst();
    return r === undefined ? null : toDrain(r);
  };
  return {
    allocationRules: () => loadAllocationRules(db),
    setAllocationRule: (rule) => setAllocationRule(db, rule),
    deleteAllocationRule: (name) => deleteAllocationRule(db, name),
    cordon: (host) => readCordon(db, host, false),
    setCordon: (host, c, note) =>
      withEvents(
        db,
        tap,
        async (tx, record) => {
          const w = await writeCordon(tx, host, c, note.at);
          if (w === null) return null;
          if (!c.cordoned) {
            // Uncordoned: a drain under way stops (its migrations already started finish).
            await tx
              .updateTable('host_drains')
              .set({
                state: 'cancelled',
                updated_at: note.at,
                finished_at: note.at,
                message: 'uncordoned before the drain ended',
              })
              .where('host_id', '=', host)
              .where('state', 'in', ['draining', 'stuck'])
              .execute();
          }
          const action = c.cordoned ? 'host.cordon' : 'host.uncordon';
          await writeAudit(
            tx,
            [objectAudit(action, hostWhat(host), w.before, w.after, host)],
            note.at,
          );
          if (w.before.cordoned !== w.after.cordoned || w.before.reason !== w.after.reason)
            record([note.describe(w.after)]);
          return w.after;
        },
        note.at,
      ),
    startDrain: (host, o, note) =>
      withEvents(
        db,
        tap,
        async (tx, record) => {
          const w = await writeCordon(tx, host, { cordoned: true, reason: o.reason }, note.at);
          if (w === null) return null;
          // A new drain, or one started again: from the start, whatever the last one left.
          const fresh = {
            state: 'draining',
            max_parallel: o.maxParallel,
            started_at: note.at,
            updated_at: note.at,
            finished_at: null,
            blocked: JSON.stringify([]),
            message: null,
          };
          const row = await tx
            .insertInto('host_drains')
            .values({ host_id: host, ...fresh })
            .onConflict((oc) => oc.column('host_id').doUpdateSet(fresh))
            .returningAll()
            .executeTakeFirstOrThrow();
          const d = toDrain(row);
          await writeAudit(
            tx,
            [objectAudit('host.drain', hostWhat(host), w.before, { ...w.after, drain: d }, host)],
            note.at,
          );
          record([note.describe(d)]);
          return d;
        },
        note.at,
      ),
    drain: (host) => drain(db, host),
    async openDrains() {
      const rows = await db
        .selectFrom('host_drains')
        .selectAll()
        .where('state', 'in', ['draining', 'stuck'])
        .orderBy('started_at')
        .execute();
      return rows.map(toDrain);
    },
    updateDrain: (host, p, note) =>
      withEvents(
        db,
        tap,
        async (tx, record) => {
          const row = await tx
            .updateTable('host_drains')
            .set({
              state: p.state,
              blocked: JSON.stringify(p.blocked),
              message: p.message,
              updated_at: p.at,
              finished_at: p.state === 'drained' || p.state === 'cancelled' ? p.at : null,
            })
            .where('host_id', '=', host)
            // Only an open drain moves: an uncordon may have cancelled it meanwhile.
            .where('state', 'in', ['draining', 'stuck'])
            .returningAll()
            .executeTakeFirst();
          if (row !== undefined && note !== null) record([note.describe(toDrain(row))]);
        },
        p.at,
      ),
  };
}
