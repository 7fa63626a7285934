import type { MiddlewareHandler } from 'hono';
import type { FleetEvent, NewEvent } from '../core/fleet/events.js';
import type { Token } from '../core/fleet/model.js';
import type { InstanceView } from '../core/fleet/claim-store.js';
import type { MigrationMode } from '../core/migration/live-migration-target.js';
import type { AppEnv, ControllerDeps } from './controller-deps.js';

/** The change-feed key `GET /v1/events` followers wait on (no host id has parentheses). */
export const EVENTS_FEED = '(events)';

/** Refused requests recorded per window and process; the rest are counted, not stored. */
export const REFUSALS_PER_WINDOW = 60;
const REFUSAL_WINDOW_MS = 60_000;

const iso = (deps: ControllerDeps) => new Date(deps.now()).toISOString();

/** Records an event that is not part of a store transaction (instances, boots, migrations). */
export async function recordEvent(deps: ControllerDeps, e: NewEvent): Promise<void> {
  await deps.store.events.record([e], iso(deps));
}

export const instanceEvent = (
  kind: 'instance-created' | 'instance-deleted' | 'instance-booted',
  inst: InstanceView,
  message: string,
): NewEvent => ({
  kind,
  host: inst.hostId,
  tenant: inst.tenant,
  subject: inst.name,
  message,
  data: { instance: inst.id, ports: inst.ports.length },
});

export function createdEvent(inst: InstanceView): NewEvent {
  const vfs = inst.ports.filter((p) => p.pciAddress !== null).length;
  return instanceEvent(
    'instance-created',
    inst,
    `instance ${inst.name} (tenant ${inst.tenant}) placed on ${inst.hostId ?? 'no host'} with ${vfs} VF port(s) of ${inst.ports.length}; waiting for the agent to configure them`,
  );
}

/** One log line per event, key=value, the message quoted last: what an operator tails. */
export function eventLogLine(e: FleetEvent): string {
  const parts = [`event id=${e.id}`, `kind=${e.kind}`];
  if (e.host !== null) parts.push(`host=${e.host}`);
  if (e.tenant !== null) parts.push(`tenant=${e.tenant}`);
  if (e.subject !== null) parts.push(`subject=${JSON.stringify(e.subject)}`);
  parts.push(`message=${JSON.stringify(e.message)}`);
  return parts.join(' ');
}

/** An event as the structured log's fields (its message is the line's message). */
export function eventFields(e: FleetEvent): Record<string, unknown> {
  return {
    event: e.id,
    kind: e.kind,
    ...(e.host === null ? {} : { host: e.host }),
    ...(e.tenant === null ? {} : { tenant: e.tenant }),
    ...(e.subject === null ? {} : { subject: e.subject }),
    data: e.data,
  };
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Records each 4xx answer to a write request as a `refused` event: the
 * code, field and message it answered, and the token's name and role (never
 * its secret). A flood is bounded: at most REFUSALS_PER_WINDOW a minute per
 * process are stored; the next stored one says how many were not.
 */
export function refusalRecorder(deps: ControllerDeps): MiddlewareHandler<AppEnv> {
  let windowStart = -Infinity;
  let inWindow = 0;
  let skipped = 0;
  return async (c, next) => {
    await next();
    const status = c.res.status;
    if (status < 400 || status >= 500 || !WRITES.has(c.req.method)) return;
    const now = deps.now();
    if (now - windowStart >= REFUSAL_WINDOW_MS) {
      windowStart = now;
      inWindow = 0;
    }
    if (inWindow >= REFUSALS_PER_WINDOW) {
      skipped++;
      return;
    }
    inWindow++;
    const body = await errorBody(c.res);
    const who = c.get('principal') as Token | undefined;
    const path = new URL(c.req.url).pathname;
    const more = skipped > 0 ? ` (and ${skipped} earlier refusal(s) not recorded)` : '';
    const e: NewEvent = {
      kind: 'refused',
      host: who?.host ?? null,
      tenant: who?.role === 'tenant' ? who.tenant : null,
      subject: `${c.req.method} ${path}`.slice(0, 300),
      message: `${c.req.method} ${path} refused ${status} ${body.code}: ${body.message}${more}`,
      data: {
        status,
        code: body.code,
        field: body.field,
        token: who === undefined ? null : { name: who.name, role: who.role },
        ...(skipped > 0 ? { notRecorded: skipped } : {}),
      },
    };
    skipped = 0;
    // The answer stands whatever happens here: an event that cannot be stored is lost, not an error.
    await recordEvent(deps, e).catch(() => undefined);
  };
}

async function errorBody(
  res: Response,
): Promise<{ code: string; message: string; field: string | null }> {
  try {
    const b = (await res.clone().json()) as {
      code?: unknown;
      message?: unknown;
      details?: { field?: unknown };
    };
    return {
      code: typeof b.code === 'string' ? b.code : 'UNKNOWN',
      message: typeof b.message === 'string' ? b.message.slice(0, 500) : '',
      field: typeof b.details?.field === 'string' ? b.details.field : null,
    };
  } catch {
    return { code: 'UNKNOWN', message: '', field: null };
  }
}

const MIGRATION_KINDS = {
  running: 'migration-started',
  done: 'migration-done',
  'rolled-back': 'migration-rolled-back',
  'needs-attention': 'migration-needs-attention',
} as const;

/** What happened, in words true to the mode: a render-only move runs no VM, so nothing is live. */
function migrationWords(state: keyof typeof MIGRATION_KINDS, mode: MigrationMode): string {
  const what = mode === 'render-only' ? 'render-only move' : 'live migration';
  switch (state) {
    case 'running':
      return `${what} started`;
    case 'done':
      return mode === 'render-only'
        ? `${what} done; the domain definition and its VF ports are on the target (no VM ran)`
        : `${what} done; the domain runs on the target`;
    case 'rolled-back':
      return `${what} rolled back; the domain stays on the source`;
    case 'needs-attention':
      return `${what} needs attention (see vfleet instance show)`;
  }
}

/** A migration's start or end, as one event (source host as its host). */
export function migrationEvent(
  state: keyof typeof MIGRATION_KINDS,
  inst: InstanceView,
  m: {
    readonly id: string;
    readonly source: string;
    readonly target: string;
    readonly mode: MigrationMode;
  },
): NewEvent {
  const what = migrationWords(state, m.mode);
  return {
    kind: MIGRATION_KINDS[state],
    host: m.source,
    tenant: inst.tenant,
    subject: inst.name,
    message: `instance ${inst.name}: ${what} (${m.source} -> ${m.target})`,
    data: { migration: m.id, instance: inst.id, source: m.source, target: m.target, mode: m.mode },
  };
}
