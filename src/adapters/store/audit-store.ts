import { sql, type Kysely, type Selectable } from 'kysely';
import {
  AUDIT_ACTIONS,
  AUDIT_OBJECT_TYPES,
  type AuditActor,
  type AuditRecord,
  type AuditStore,
} from '../../core/fleet/audit.js';
import { pageOf } from '../../core/fleet/page.js';
import { textArray, withinRequest } from './audit-scope.js';
import type { AuditLogTable, Database } from './db-types.js';
import { closed, iso } from './rows.js';
import { storable } from './event-store.js';

const actorOf = (r: Selectable<AuditLogTable>): AuditActor =>
  r.actor_kind === 'token'
    ? { kind: 'token', name: r.token_name ?? '', role: r.token_role ?? '', tenant: r.tenant }
    : r.actor_kind === 'anonymous'
      ? { kind: 'anonymous' }
      : { kind: 'fleet' };

const toRecord = (r: Selectable<AuditLogTable>): AuditRecord => ({
  id: r.id,
  at: iso(r.at),
  actor: actorOf(r),
  requestId: r.request_id,
  action: closed(AUDIT_ACTIONS, r.action, 'audit action'),
  method: r.method,
  path: r.path,
  object:
    r.object_type === null || r.object_id === null
      ? null
      : {
          type: closed(AUDIT_OBJECT_TYPES, r.object_type, 'audit object type'),
          id: r.object_id,
          name: r.object_name,
        },
  host: r.host_id,
  instance: r.instance_id,
  vfs: r.vfs,
  macs: r.macs,
  before: r.before ?? null,
  after: r.after ?? null,
  result: r.result,
  status: r.status,
});

/** Ids are `serial` (int4): a cursor beyond it is "past every record", not a database error. */
const asId = (n: number): number => Math.max(0, Math.min(n, 2_147_483_647));

export function createAuditStore(db: Kysely<Database>): AuditStore {
  return {
    within: withinRequest,
    async refused(f) {
      const a = f.request.actor;
      const token = a.kind === 'token' ? a : null;
      await db
        .insertInto('audit_log')
        .values({
          at: f.request.at,
          actor_kind: a.kind,
          token_name: token === null ? null : storable(token.name),
          token_role: token?.role ?? null,
          tenant: token?.tenant ?? null,
          request_id: f.request.requestId,
          action: f.action,
          method: f.request.method,
          path: storable(f.request.path.slice(0, 500)),
          object_type: f.object?.type ?? null,
          object_id: f.object === null ? null : storable(f.object.id.slice(0, 300)),
          object_name: f.object?.name ?? null,
          host_id: null,
          instance_id: null,
          vfs: textArray([]) as unknown as string[],
          macs: textArray([]) as unknown as string[],
          before: null,
          after: null,
          result: f.code,
          status: f.status,
        })
        .execute();
    },
    async page(f, q) {
      let s = db
        .selectFrom('audit_log')
        .selectAll()
        .orderBy('id', f.order)
        .limit(q.limit + 1);
      if (q.after !== null)
        s = s.where('id', f.order === 'asc' ? '>' : '<', asId(Number(q.after[0])));
      if (f.object !== undefined)
        s = s.where('object_type', '=', f.object.type).where('object_id', '=', f.object.id);
      if (f.host !== undefined) s = s.where('host_id', '=', f.host);
      if (f.instance !== undefined) s = s.where('instance_id', '=', f.instance);
      if (f.vf !== undefined) s = s.where(sql<boolean>`vfs @> ${textArray([f.vf])}::text[]`);
      if (f.mac !== undefined)
        s = s.where(sql<boolean>`macs @> ${textArray([f.mac.toLowerCase()])}::text[]`);
      if (f.token !== undefined) s = s.where('token_name', '=', f.token);
      if (f.action !== undefined) s = s.where('action', '=', f.action);
      if (f.since !== undefined) s = s.where('at', '>=', new Date(f.since));
      if (f.until !== undefined) s = s.where('at', '<', new Date(f.until));
      return pageOf(await s.execute(), q.limit, (r) => [r.id], toRecord);
    },
    async purge(before) {
      const r = await db.deleteFrom('audit_log').where('at', '<', new Date(before)).execute();
      return Number(r.reduce((n, x) => n + x.numDeletedRows, 0n));
    },
  };
}
