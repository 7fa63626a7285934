import { VfleetError, ERROR_CODES } from '../core/errors.js';
import type { DesiredState } from '../core/fleet/desired-host-state.js';
import type { HostInventory } from '../core/inventory.js';
import { isOneOf } from '../core/vocabulary.js';

export type FetchFn = (url: string, init: RequestInit) => Promise<Response>;

export interface AppliedReport {
  readonly generation: number;
  readonly ok: boolean;
  readonly failedVfs: readonly string[];
  readonly message: string | null;
}

export interface ReportBody {
  readonly inventory: HostInventory;
  readonly findings: readonly unknown[];
  readonly numaNodes?: readonly { node: number; socket: number; cpus: number }[];
  readonly memoryMb?: number | null;
}

/** The agent's side of the controller API (/v1/agent/...). */
export interface AgentClient {
  register(labels: Readonly<Record<string, string>>): Promise<void>;
  report(body: ReportBody): Promise<void>;
  desired(
    after: number,
    waitSeconds: number,
    signal?: AbortSignal,
  ): Promise<{ generation: number; state: DesiredState }>;
  applied(r: AppliedReport): Promise<void>;
}

export function createAgentClient(
  base: string,
  token: string,
  host: string,
  fetchFn: FetchFn = fetch,
): AgentClient {
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<unknown> => {
    const init: RequestInit = {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(signal === undefined ? {} : { signal }),
    };
    const res = await fetchFn(`${base}${path}`, init);
    const data: unknown = await res.json().catch(() => ({}));
    if (!res.ok) throw toError(res.status, data, `${method} ${path}`);
    return data;
  };
  const hostPath = `/v1/agent/hosts/${encodeURIComponent(host)}`;
  return {
    async register(labels) {
      await call('POST', '/v1/agent/register', { host, labels });
    },
    async report(body) {
      await call('POST', `${hostPath}/report`, body);
    },
    async desired(after, waitSeconds, signal) {
      const d = (await call(
        'GET',
        `${hostPath}/desired?after=${after}&waitSeconds=${waitSeconds}`,
        undefined,
        signal,
      )) as {
        generation: number;
        state: DesiredState;
      };
      return d;
    },
    async applied(r) {
      await call('POST', `${hostPath}/applied`, r);
    },
  };
}

function toError(status: number, data: unknown, what: string): VfleetError {
  const d = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
  const code = isOneOf(ERROR_CODES, d.code) ? d.code : 'INTERNAL';
  const message = typeof d.message === 'string' ? d.message : `${what}: HTTP ${status}`;
  return new VfleetError(code, `controller: ${message}`, { status });
}
