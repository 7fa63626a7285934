import { eventRoutes } from '../../api/routes/events.js';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { VfleetError } from '../../core/errors.js';
import type { EventFilter, FleetEvent } from '../../core/fleet/events.js';
import type { Page } from '../../core/fleet/page.js';
import { requireRole, tenantScope } from '../auth.js';
import type { AppEnv, ControllerDeps } from '../controller-deps.js';
import { EVENTS_FEED } from '../events.js';
import { openEventStream } from '../event-stream.js';
import { LIST_KEYS, pageOut, pageQuery } from '../pagination.js';
import { followStopping } from '../stopping.js';

const KEY = LIST_KEYS.events;

export function registerEventRoutes(app: OpenAPIHono<AppEnv>, deps: ControllerDeps): void {
  app.openapi(eventRoutes.list, async (c) => {
    requireRole(c.var.principal, 'admin', 'tenant');
    const q = c.req.valid('query');
    const filter: EventFilter = {
      tenant: tenantScope(c.var.principal),
      host: q.host,
      kind: q.kind,
      ...sinceFilter(q.since),
      newest: q.last !== undefined,
    };
    const page = q.last !== undefined ? { limit: q.last, after: null } : pageQuery(KEY, q);
    const read = () => deps.store.events.page(filter, page);
    const found = await follow(deps, read, q.wait ?? 0, c.req.raw.signal);
    return c.json(
      pageOut(KEY, found, (e) => e),
      200,
    );
  });

  app.openapi(eventRoutes.stream, async (c) => {
    requireRole(c.var.principal, 'admin', 'tenant');
    const since = c.req.valid('header')['last-event-id'] ?? c.req.valid('query').since;
    return openEventStream(c, deps, {
      tenant: tenantScope(c.var.principal),
      after: since === undefined ? null : Number(since),
    });
  });
}

function sinceFilter(since: string | undefined): Pick<EventFilter, 'afterId' | 'since'> {
  if (since === undefined || since === '') return {};
  if (/^\d{1,15}$/.test(since)) return { afterId: Number(since) };
  const t = Date.parse(since);
  if (!/^\d{4}-\d{2}-\d{2}/.test(since) || Number.isNaN(t)) {
    throw new VfleetError(
      'INVALID_INPUT',
      `query.since: "${since}" is neither an event id nor an ISO 8601 time like 2030-01-01T00:00:00Z`,
      { field: 'query.since' },
    );
  }
  // Nothing was recorded before 1970; the clamp keeps year 0000 away from the database.
  return { since: new Date(Math.max(t, 0)).toISOString() };
}

/**
 * The long poll: reads, and while the page is empty waits for the next
 * recorded event (or the feed's safety-net re-read), until `waitSeconds`
 * are up, the client hangs up or the controller stops.
 */
async function follow(
  deps: ControllerDeps,
  read: () => Promise<Page<FleetEvent>>,
  waitSeconds: number,
  hangup: AbortSignal,
): Promise<Page<FleetEvent>> {
  const started = deps.elapsed();
  const ending = followStopping(deps.stopping, [hangup]);
  const ended = ending.signal;
  try {
    for (;;) {
      // Listening before reading: an event recorded between the read and the wait still wakes it.
      const listening = new AbortController();
      const left = waitSeconds * 1000 - (deps.elapsed() - started);
      const woken = deps.feed.wait(
        EVENTS_FEED,
        Math.max(0, Math.min(left, deps.config.feedPollMs)),
        AbortSignal.any([ended, listening.signal]),
      );
      let page: Page<FleetEvent>;
      try {
        page = await read();
      } catch (e) {
        listening.abort();
        throw e;
      }
      if (page.items.length > 0 || left <= 0 || ended.aborted) {
        listening.abort();
        return page;
      }
      await woken;
    }
  } finally {
    ending.release();
  }
}
