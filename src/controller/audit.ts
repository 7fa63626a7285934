import type { Context, MiddlewareHandler } from 'hono';
import type {
  AuditAction,
  AuditActor,
  AuditObjectType,
  AuditRequest,
} from '../core/fleet/audit.js';
import type { Token } from '../core/fleet/model.js';
import type { AppEnv, ControllerDeps } from './controller-deps.js';

/**
 * Every mutating /v1 operation and the audit action it is recorded as (a
 * refused one too). `audit-coverage.test.ts` fails when /openapi.json has a
 * write missing here, so a new route cannot slip by unaudited. The object
 * type says what the first path parameter names.
 */
export const AUDITED_ROUTES: Readonly<
  Record<string, { readonly action: AuditAction; readonly object: AuditObjectType | null }>
> = {
  'POST /v1/agent/register': { action: 'host.register', object: null },
  'POST /v1/agent/hosts/{id}/report': { action: 'host.report', object: 'host' },
  // A report by its digest: recorded like one when refused (it writes only last_seen).
  'POST /v1/agent/hosts/{id}/heartbeat': { action: 'host.report', object: 'host' },
  'POST /v1/agent/hosts/{id}/applied': { action: 'host.applied', object: 'host' },
  'POST /v1/agent/hosts/{id}/tasks/{task}': { action: 'agent.task', object: 'host' },
  'PATCH /v1/hosts/{id}': { action: 'host.label', object: 'host' },
  'POST /v1/hosts/{id}/cordon': { action: 'host.cordon', object: 'host' },
  'POST /v1/hosts/{id}/uncordon': { action: 'host.uncordon', object: 'host' },
  'POST /v1/hosts/{id}/drain': { action: 'host.drain', object: 'host' },
  'POST /v1/hosts/{id}/datapath-reports': { action: 'host.datapath', object: 'host' },
  'PUT /v1/allocation-rules/{name}': { action: 'allocation.set', object: 'allocation' },
  'DELETE /v1/allocation-rules/{name}': { action: 'allocation.delete', object: 'allocation' },
  'POST /v1/rollouts/{id}/pause': { action: 'rollout.pause', object: 'rollout' },
  'POST /v1/rollouts/{id}/resume': { action: 'rollout.resume', object: 'rollout' },
  'POST /v1/rollouts/{id}/abort': { action: 'rollout.abort', object: 'rollout' },
  'POST /v1/instances': { action: 'instance.create', object: null },
  'DELETE /v1/instances/{id}': { action: 'instance.delete', object: 'instance' },
  'POST /v1/instances/{id}/migrate': { action: 'instance.migrate', object: 'instance' },
  'POST /v1/networks': { action: 'network.create', object: null },
  'PATCH /v1/networks/{id}': { action: 'network.update', object: 'network' },
  'DELETE /v1/networks/{id}': { action: 'network.delete', object: 'network' },
  'POST /v1/physnets': { action: 'physnet.create', object: null },
  'PATCH /v1/physnets/{name}': { action: 'physnet.update', object: 'physnet' },
  'DELETE /v1/physnets/{name}': { action: 'physnet.delete', object: 'physnet' },
  'PUT /v1/quotas/{tenant}': { action: 'quota.set', object: 'quota' },
  'POST /v1/session': { action: 'session.create', object: null },
  'DELETE /v1/session': { action: 'session.delete', object: null },
  'POST /v1/specs': { action: 'spec.create', object: null },
  'PATCH /v1/specs/{id}': { action: 'spec.update', object: 'spec' },
  'DELETE /v1/specs/{id}': { action: 'spec.delete', object: 'spec' },
  'POST /v1/tokens': { action: 'token.create', object: null },
  'DELETE /v1/tokens/{id}': { action: 'token.revoke', object: 'token' },
};

const MATCHERS = Object.entries(AUDITED_ROUTES).map(([key, v]) => {
  const [method = '', template = ''] = key.split(' ');
  const re = new RegExp(`^${template.replace(/\{[^}]+\}/g, '([^/]+)')}$`);
  return { method, re, ...v };
});

/** The audited operation a request is, with the id its path names; null for no write of the API. */
export function auditedOperation(
  method: string,
  path: string,
): {
  action: AuditAction;
  object: { type: AuditObjectType; id: string; name: null } | null;
} | null {
  for (const m of MATCHERS) {
    if (m.method !== method) continue;
    const hit = m.re.exec(path);
    if (hit === null) continue;
    const id = hit[1];
    return {
      action: m.action,
      object:
        m.object === null || id === undefined
          ? null
          : { type: m.object, id: safeDecode(id), name: null },
    };
  }
  return null;
}

const safeDecode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

export const actorOf = (t: Token | undefined): AuditActor =>
  t === undefined
    ? { kind: 'anonymous' }
    : { kind: 'token', name: t.name, role: t.role, tenant: t.tenant };

/** The request as the audit names it: who, which request id, method and path, when. */
export function auditRequest(deps: ControllerDeps, c: Context<AppEnv>): AuditRequest {
  return {
    actor: actorOf(c.get('principal')),
    // Chosen once per request by the request log, the first middleware (request-log.ts).
    requestId: c.get('requestId'),
    method: c.req.method,
    path: new URL(c.req.url).pathname,
    at: new Date(deps.now()).toISOString(),
  };
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * After auth: the write runs within its request, so each store write it
 * makes records who asked in the write's own transaction (the audit row
 * commits with the change or not at all). The request id is kept for the
 * refusal recorder, outermost, which runs after this has answered.
 */
export function auditScope(deps: ControllerDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!WRITES.has(c.req.method)) {
      await next();
      return;
    }
    await deps.store.audit.within(auditRequest(deps, c), next);
  };
}

/**
 * Outermost: a write answered with an error changed nothing (its
 * transaction rolled back, or it never reached the store), so it is
 * recorded here, with the code and status it got and no before or after.
 * Anonymous refusals (no token, a bad one) are bounded per minute like the
 * refused events; a known token's refusals are all kept.
 */
export function auditRefusals(deps: ControllerDeps): MiddlewareHandler<AppEnv> {
  let windowStart = -Infinity;
  let inWindow = 0;
  return async (c, next) => {
    await next();
    const status = c.res.status;
    if (status < 400 || !WRITES.has(c.req.method)) return;
    const request = auditRequest(deps, c);
    const op = auditedOperation(c.req.method, request.path);
    if (op === null) return;
    if (request.actor.kind === 'anonymous') {
      const now = deps.now();
      if (now - windowStart >= 60_000) {
        windowStart = now;
        inWindow = 0;
      }
      if (++inWindow > 60) return;
    }
    const code = await errorCode(c.res);
    // The answer stands whatever happens here: a record that cannot be stored is lost, not an error.
    await deps.store.audit
      .refused({ request, action: op.action, object: op.object, code, status })
      .catch(() => undefined);
  };
}

async function errorCode(res: Response): Promise<string> {
  try {
    const b = (await res.clone().json()) as { code?: unknown };
    return typeof b.code === 'string' ? b.code.slice(0, 64) : 'UNKNOWN';
  } catch {
    return 'UNKNOWN';
  }
}
