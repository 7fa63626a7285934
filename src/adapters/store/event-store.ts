import type { Kysely, Selectable, Transaction } from 'kysely';
import { EVENT_KINDS } from '../../core/fleet/events.js';
import type { EventStore, FleetEvent, NewEvent } from '../../core/fleet/events.js';
import { pageOf } from '../../core/fleet/page.js';
import type { Database, EventsTable } from './db-types.js';
import { closed, iso } from './rows.js';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Who hears of recorded events in this process (the controller logs them
 * and wakes `GET /v1/events` followers). Told only after the commit, so a
 * rolled-back change never shows as an event.
 */
export interface EventTap {
  emit(events: readonly FleetEvent[]): void;
  onRecorded(listener: (events: readonly FleetEvent[]) => void): void;
}

export function createEventTap(): EventTap {
  const listeners: ((events: readonly FleetEvent[]) => void)[] = [];
  return {
    emit(events) {
      if (events.length === 0) return;
      for (const l of listeners) l(events);
    },
    onRecorded(listener) {
      listeners.push(listener);
    },
  };
}

const toEvent = (r: Selectable<EventsTable>): FleetEvent => ({
  id: r.id,
  at: iso(r.at),
  kind: closed(EVENT_KINDS, r.kind, 'event kind'),
  host: r.host_id,
  tenant: r.tenant,
  subject: r.subject,
  message: r.message,
  data: r.data,
});

/**
 * Text PostgreSQL can keep: a refused request's message may quote input
 * with NUL or an unpaired surrogate, which text and jsonb refuse.
 */
export const LONE_SURROGATE =
  /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
export const storable = (t: string): string =>
  t.replaceAll('\u0000', '\\0').replace(LONE_SURROGATE, '\ufffd');
const storableData = (d: Readonly<Record<string, unknown>>): string =>
  JSON.stringify(d, (_k, v: unknown) => (typeof v === 'string' ? storable(v) : v));

/** Inserts events inside the caller's transaction; emit them after it commits. */
export async function insertEvents(
  db: Db,
  events: readonly NewEvent[],
  now: string,
): Promise<FleetEvent[]> {
  if (events.length === 0) return [];
  const rows = await db
    .insertInto('events')
    .values(eventRows(events, now))
    .returningAll()
    .execute();
  return fleetEvents(rows);
}

/** The events table's rows for `events` (insertEvents, or a statement that carries them). */
export const eventRows = (events: readonly NewEvent[], now: string) =>
  events.map((e) => ({
    at: now,
    kind: e.kind,
    host_id: e.host,
    tenant: e.tenant,
    subject: e.subject === null ? null : storable(e.subject),
    // Bounded: a message built from input (a refused request) stays one line of sane size.
    message: storable(e.message.slice(0, 1000)),
    data: storableData(e.data),
  }));

/** Inserted event rows as the tap and readers see them, in id order. */
export const fleetEvents = (rows: readonly Selectable<EventsTable>[]): FleetEvent[] =>
  rows.map(toEvent).sort((a, b) => a.id - b.id);

/** Runs `work` in a transaction that may record events, and emits them once it committed. */
export async function withEvents<T>(
  db: Kysely<Database>,
  tap: EventTap,
  work: (tx: Transaction<Database>, record: (e: readonly NewEvent[]) => void) => Promise<T>,
  now: string,
): Promise<T> {
  let recorded: FleetEvent[] = [];
  const result = await db.transaction().execute(async (tx) => {
    const pending: NewEvent[] = [];
    const out = await work(tx, (e) => pending.push(...e));
    recorded = await insertEvents(tx, pending, now);
    return out;
  });
  tap.emit(recorded);
  return result;
}

/** Ids are `serial` (int4): a larger one from a client is "after every event", not a database error. */
const MAX_ID = 2_147_483_647;
const asId = (n: number): number => Math.max(0, Math.min(n, MAX_ID));

export function createEventStore(db: Kysely<Database>, tap: EventTap): EventStore {
  return {
    async record(events, now) {
      const rows = await insertEvents(db, events, now);
      tap.emit(rows);
      return rows;
    },
    async page(f, q) {
      let s = db
        .selectFrom('events')
        .selectAll()
        .orderBy('id', f.newest === true ? 'desc' : 'asc')
        .limit(q.limit + 1);
      if (q.after !== null) s = s.where('id', '>', asId(Number(q.after[0])));
      if (f.afterId !== undefined) s = s.where('id', '>', asId(f.afterId));
      if (f.since !== undefined) s = s.where('at', '>=', new Date(f.since));
      if (f.tenant !== null) s = s.where('tenant', '=', f.tenant);
      if (f.host !== undefined) s = s.where('host_id', '=', f.host);
      if (f.kind !== undefined) s = s.where('kind', '=', f.kind);
      const rows = await s.execute();
      if (f.newest === true)
        return { items: rows.slice(0, q.limit).reverse().map(toEvent), next: null };
      return pageOf(rows, q.limit, (r) => [r.id], toEvent);
    },
    async latestId() {
      const r = await db
        .selectFrom('events')
        .select((eb) => eb.fn.max('id').as('id'))
        .executeTakeFirst();
      return r?.id ?? 0;
    },
    async purge(before, keep) {
      const old = await db.deleteFrom('events').where('at', '<', new Date(before)).execute();
      // The row bound: whatever is left past the newest `keep` goes, oldest first.
      const edge = await db
        .selectFrom('events')
        .select('id')
        .orderBy('id', 'desc')
        .offset(keep)
        .limit(1)
        .executeTakeFirst();
      let extra = 0n;
      if (edge !== undefined) {
        const r = await db.deleteFrom('events').where('id', '<=', edge.id).execute();
        extra = r.reduce((n, x) => n + x.numDeletedRows, 0n);
      }
      return Number(old.reduce((n, x) => n + x.numDeletedRows, 0n) + extra);
    },
    onRecorded: (l) => {
      tap.onRecorded(l);
    },
  };
}
