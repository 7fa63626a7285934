import { auditRoutes } from '../../api/routes/audit.js';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { AUDIT_OBJECT_TYPES, type AuditFilter } from '../../core/fleet/audit.js';
import { isOneOf } from '../../core/vocabulary.js';
import { requireRole } from '../auth.js';
import type { AppEnv, ControllerDeps } from '../controller-deps.js';
import { LIST_KEYS, pageOut, pageQuery } from '../pagination.js';

/**
 * `GET /v1/audit`: admin only. The audit names every tenant's tokens,
 * instances and VFs and keeps objects' before and after; a tenant follows
 * its own objects through `GET /v1/events` instead.
 */
export function registerAuditRoutes(app: OpenAPIHono<AppEnv>, deps: ControllerDeps): void {
  app.openapi(auditRoutes.list, async (c) => {
    requireRole(c.var.principal, 'admin');
    const q = c.req.valid('query');
    const order = q.order ?? 'desc';
    const key = order === 'asc' ? LIST_KEYS.auditAsc : LIST_KEYS.auditDesc;
    const filter: AuditFilter = {
      object: objectFilter(q.object),
      host: q.host,
      instance: q.instance,
      vf: q.vf?.toLowerCase(),
      mac: q.mac,
      token: q.token,
      action: q.action,
      since: q.since === undefined ? undefined : new Date(q.since).toISOString(),
      until: q.until === undefined ? undefined : new Date(q.until).toISOString(),
      order,
    };
    const page = await deps.store.audit.page(filter, pageQuery(key, q));
    return c.json(
      pageOut(key, page, (r) => ({ ...r, vfs: [...r.vfs], macs: [...r.macs] })),
      200,
    );
  });
}

/** `TYPE:ID`, already checked by the schema. */
function objectFilter(o: string | undefined): AuditFilter['object'] {
  if (o === undefined) return undefined;
  const at = o.indexOf(':');
  const type = o.slice(0, at);
  return isOneOf(AUDIT_OBJECT_TYPES, type) ? { type, id: o.slice(at + 1) } : undefined;
}
