import { AsyncLocalStorage } from 'node:async_hooks';
import type { Transaction } from 'kysely';
import {
  FLEET_ACTOR,
  type AuditActor,
  type AuditRequest,
  type NewAudit,
} from '../../core/fleet/audit.js';
import type { Database } from './db-types.js';
import { LONE_SURROGATE } from './event-store.js';

/**
 * The request a store write runs for, carried by async context from the
 * controller's audit middleware (AuditStore.within) down to the write, so
 * every write records who asked in its own transaction without each store
 * method growing an actor parameter. Outside a request (sweeps, the
 * reconciler) there is none and the actor is the fleet.
 */
const scope = new AsyncLocalStorage<AuditRequest>();

export const withinRequest = <T>(r: AuditRequest, work: () => Promise<T>): Promise<T> =>
  scope.run(r, work);

/** Keys whose values are secrets or stand for one: never stored, whatever object carries them. */
const SECRET_KEY = /secret|password|cookie|hash|csrf|^token$/i;

/** JSON of an object for before/after: secrets redacted, text PostgreSQL can keep. */
export function auditJson(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  return JSON.stringify(v, (k, x: unknown) => {
    if (k !== '' && SECRET_KEY.test(k) && x !== null) return '[redacted]';
    return typeof x === 'string'
      ? x.replaceAll('\u0000', '\\0').replace(LONE_SURROGATE, '\ufffd')
      : x;
  });
}

/** A text[] literal (quoted, escaped): the same on PGlite and PostgreSQL, whatever their array binding. */
export const textArray = (xs: readonly string[]): string =>
  `{${[...new Set(xs)].map((x) => `"${x.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;

/**
 * Inserts audit records inside the caller's transaction: they commit with
 * the change or not at all. `at` is the write's own time when it has one.
 */
export async function writeAudit(
  tx: Transaction<Database>,
  entries: readonly NewAudit[],
  at?: string,
): Promise<void> {
  if (entries.length === 0) return;
  await tx.insertInto('audit_log').values(auditRows(entries, at)).execute();
}

/** The audit_log rows of `entries` for the request in scope (writeAudit, or a statement that carries them). */
export function auditRows(entries: readonly NewAudit[], at?: string) {
  const r = scope.getStore();
  const when = at !== undefined && at !== '' ? at : (r?.at ?? new Date().toISOString());
  return entries.map((e) => {
    const actor: AuditActor =
      e.byFleet === true ? FLEET_ACTOR : (e.actor ?? r?.actor ?? FLEET_ACTOR);
    const token = actor.kind === 'token' ? actor : null;
    return {
      at: when,
      actor_kind: actor.kind,
      token_name: token?.name ?? null,
      token_role: token?.role ?? null,
      tenant: token?.tenant ?? null,
      request_id: r?.requestId ?? null,
      action: e.action,
      method: r?.method ?? null,
      path: r?.path ?? null,
      object_type: e.object?.type ?? null,
      object_id: e.object?.id ?? null,
      object_name: e.object?.name ?? null,
      host_id: e.host,
      instance_id: e.instance,
      vfs: textArray(e.vfs) as unknown as string[],
      macs: textArray(e.macs.map((m) => m.toLowerCase())) as unknown as string[],
      before: auditJson(e.before),
      after: auditJson(e.after),
      result: 'ok',
      status: null,
    };
  });
}

/** JSON with keys sorted: jsonb hands objects back in its own key order. */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) =>
    x !== null && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );

export const sameJson = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);
