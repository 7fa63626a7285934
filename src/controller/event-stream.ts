import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { FleetEvent } from '../core/fleet/events.js';
import type { AppEnv, ControllerDeps } from './controller-deps.js';
import { EVENTS_FEED } from './events.js';
import { followStopping } from './stopping.js';

/** Events read per store query while catching up; the next read follows at once. */
const BATCH = 200;

/** How soon a browser reconnects after the stream ends (the controller stopped, a read failed). */
export const STREAM_RETRY_MS = 1000;

/**
 * The stream's answer: events after `after` (null: after the newest one
 * now, read before answering, so whatever is recorded once the client has
 * the headers reaches it), until the client goes or the controller stops.
 */
export async function openEventStream(
  c: Context<AppEnv>,
  deps: ControllerDeps,
  from: { readonly tenant: string | null; readonly after: number | null },
): Promise<Response> {
  const scope = { tenant: from.tenant, after: from.after ?? (await deps.store.events.latestId()) };
  const hangup = c.req.raw.signal;
  const res = streamSSE(c, async (stream) => {
    const gone = new AbortController();
    stream.onAbort(() => {
      gone.abort();
    });
    const ending = followStopping(deps.stopping, [hangup, gone.signal]);
    // A failed read ends the stream; the browser reconnects after `retry` and resumes.
    const pumping = pumpEvents(deps, stream, scope, ending.signal)
      .catch(() => undefined)
      .finally(() => {
        ending.release();
      });
    deps.outliving?.(pumping);
    await pumping;
  });
  // The connection carries this stream only: once it ends (the controller
  // stopping), the socket goes too, instead of idling until the keep-alive timeout.
  res.headers.set('Connection', 'close');
  return res;
}

export interface StreamScope {
  /** null: every event (admin); a tenant: only its own, as `GET /v1/events`. */
  readonly tenant: string | null;
  /** Only events with a larger id. */
  readonly after: number;
}

/**
 * `GET /v1/events/stream`'s body: every event after `scope.after` the
 * caller may see, one SSE message each, then each new one as it is
 * recorded. Woken by the change feed (the store's notices on commit), with
 * the feed's re-read every config.feedPollMs as the safety net under lost
 * notices. A quiet stream gets a comment every config.streamKeepaliveMs.
 * Returns when `ended` aborts (client gone, controller stopping), leaving
 * no waiter or timer behind.
 */
export async function pumpEvents(
  deps: ControllerDeps,
  stream: SSEStreamingApi,
  scope: StreamScope,
  ended: AbortSignal,
): Promise<void> {
  await stream.write(`retry: ${STREAM_RETRY_MS}\n\n`);
  let after = scope.after;
  let lastWrite = deps.elapsed();
  const keepalive = deps.config.streamKeepaliveMs;
  // A function, not the property: it changes while this loop awaits.
  const over = () => ended.aborted;
  while (!over()) {
    // Listening before reading: an event recorded between the read and the wait still wakes it.
    const listening = new AbortController();
    const quiet = deps.elapsed() - lastWrite;
    const woken = deps.feed.wait(
      EVENTS_FEED,
      Math.max(0, Math.min(deps.config.feedPollMs, keepalive - quiet)),
      AbortSignal.any([ended, listening.signal]),
    );
    let items: readonly FleetEvent[];
    try {
      items = (
        await deps.store.events.page(
          { tenant: scope.tenant, afterId: after },
          { limit: BATCH, after: null },
        )
      ).items;
    } catch (e) {
      listening.abort();
      throw e;
    }
    for (const e of items) {
      if (over()) break;
      await stream.writeSSE({
        id: String(e.id),
        event: 'fleet',
        data: JSON.stringify(eventOut(e)),
      });
      after = e.id;
      lastWrite = deps.elapsed();
    }
    if (items.length > 0) {
      listening.abort();
      continue;
    }
    await woken;
    if (!over() && deps.elapsed() - lastWrite >= keepalive) {
      await stream.write(': keepalive\n\n');
      lastWrite = deps.elapsed();
    }
  }
}

/** The Event shape of the API (eventSchema), field by field: nothing else leaves. */
const eventOut = (e: FleetEvent) => ({
  id: e.id,
  at: e.at,
  kind: e.kind,
  host: e.host,
  tenant: e.tenant,
  subject: e.subject,
  message: e.message,
  data: e.data,
});
