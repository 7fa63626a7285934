import { createApiClient } from '../api/client.js';
import type { ApiBody } from '../api/call-types.js';
import type { FetchLike } from '../api/client.js';
import { agentRoutes } from '../api/routes/agent.js';
import { readDesired } from '../api/schemas/agent.js';
import type { DesiredAnswer, DesiredRefused, DesiredUnchanged } from '../api/schemas/agent.js';

export type FetchFn = FetchLike;
export type { DesiredAnswer, DesiredRefused, DesiredUnchanged };

export type AppliedReport = ApiBody<typeof agentRoutes.applied>;
export type ReportBody = ApiBody<typeof agentRoutes.report>;
export type TaskAnswer = ApiBody<typeof agentRoutes.taskDone>;

/** The agent's side of the controller API (/v1/agent/...), over the one API client. */
export interface AgentClient {
  register(labels: Readonly<Record<string, string>>): Promise<void>;
  /** Sends the full report; the digest the controller holds it by (null: an older controller). */
  report(body: ReportBody): Promise<string | null>;
  /**
   * The host is alive and the report `digest` names still holds: false when
   * the controller needs the full report instead.
   */
  heartbeat(digest: string): Promise<boolean>;
  /**
   * The next desired state, read with the API's schema: a malformed one comes
   * back refused; when nothing came above `after`, only `unchanged`.
   */
  desired(
    after: number,
    waitSeconds: number,
    signal?: AbortSignal,
    /** The last report's digest: the poll is the host's heartbeat too (its answer says reportNeeded). */
    digest?: string,
  ): Promise<DesiredAnswer | DesiredUnchanged | DesiredRefused>;
  applied(r: AppliedReport): Promise<void>;
  taskDone(id: string, outcome: TaskAnswer): Promise<void>;
}

export function createAgentClient(
  base: string,
  token: string,
  host: string,
  fetchFn: FetchFn,
): AgentClient {
  const api = createApiClient({ baseUrl: base, token, fetch: withRetry(fetchFn) });
  const params = { id: host };
  return {
    async register(labels) {
      await api.call(agentRoutes.register, { body: { host, labels } });
    },
    async report(body) {
      const held = await api.call(agentRoutes.report, { params, body });
      return held.reportDigest ?? null;
    },
    async heartbeat(digest) {
      const r = await api.call(agentRoutes.heartbeat, { params, body: { digest } });
      return !r.reportNeeded;
    },
    async desired(after, waitSeconds, signal, digest) {
      const query = {
        after,
        waitSeconds,
        brief: 'true' as const,
        ...(digest === undefined ? {} : { digest }),
      };
      const o = signal === undefined ? {} : { signal };
      return readDesired(await api.callRaw(agentRoutes.desired, { params, query }, o));
    },
    async applied(r) {
      await api.call(agentRoutes.applied, { params, body: r });
    },
    async taskDone(task, outcome) {
      await api.call(agentRoutes.taskDone, { params: { id: host, task }, body: outcome });
    },
  };
}

/**
 * A request that never reached an answer (a kept-alive connection the
 * controller closed while this process was busy, a controller restarting)
 * is sent again, twice at most: every agent call may be repeated safely (the
 * controller answers a repeated report, apply result or task answer alike).
 */
function withRetry(fetchFn: FetchFn): FetchFn {
  return async (url, init) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fetchFn(url, init);
      } catch (e) {
        if (attempt >= 2 || init.signal?.aborted === true || !(e instanceof TypeError)) throw e;
        await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
      }
    }
  };
}
