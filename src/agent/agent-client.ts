import { VfleetError, ERROR_CODES } from '../core/errors.js';
import type { DesiredState } from '../core/fleet/desired-host-state.js';
import type { HostInventory } from '../core/inventory.js';
import { isOneOf } from '../core/vocabulary.js';
import type { HypervisorFacts } from '../core/fleet/wiring-facts.js';
import type { HostImages } from '../core/libvirt/image-names.js';
import type { AgentTask, DomainResult, TaskOutcome, WantedDomain } from './domain-reconcile.js';
import type { IrqPins } from './irq-summary.js';

export type FetchFn = (url: string, init: RequestInit) => Promise<Response>;

export interface AppliedReport {
  readonly generation: number;
  readonly ok: boolean;
  readonly failedVfs: readonly string[];
  readonly message: string | null;
  readonly domains?: readonly DomainResult[];
  readonly irqs?: IrqPins;
}

export interface ReportBody {
  readonly inventory: HostInventory;
  readonly findings: readonly unknown[];
  readonly numaNodes?: readonly { node: number; socket: number; cpus: number }[];
  readonly memoryMb?: number | null;
  readonly hypervisor?: HypervisorFacts;
  readonly images?: HostImages;
}

export interface DesiredAnswer {
  readonly generation: number;
  readonly state: DesiredState;
  readonly domains?: readonly WantedDomain[];
  readonly tasks?: readonly AgentTask[];
}

/** The agent's side of the controller API (/v1/agent/...). */
export interface AgentClient {
  register(labels: Readonly<Record<string, string>>): Promise<void>;
  report(body: ReportBody): Promise<void>;
  desired(after: number, waitSeconds: number, signal?: AbortSignal): Promise<DesiredAnswer>;
  applied(r: AppliedReport): Promise<void>;
  taskDone(id: string, outcome: TaskOutcome): Promise<void>;
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
    const res = await fetchWithRetry(fetchFn, `${base}${path}`, init);
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
      )) as DesiredAnswer;
      return d;
    },
    async applied(r) {
      await call('POST', `${hostPath}/applied`, r);
    },
    async taskDone(id, outcome) {
      await call('POST', `${hostPath}/tasks/${encodeURIComponent(id)}`, outcome);
    },
  };
}

function toError(status: number, data: unknown, what: string): VfleetError {
  const d = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
  const code = isOneOf(ERROR_CODES, d.code) ? d.code : 'INTERNAL';
  const message = typeof d.message === 'string' ? d.message : `${what}: HTTP ${status}`;
  return new VfleetError(code, `controller: ${message}`, { status });
}

/**
 * A request that never reached an answer (a kept-alive connection the
 * controller closed while this process was busy, a controller restarting)
 * is sent again, twice at most: every agent call may be repeated safely (the
 * controller answers a repeated report, apply result or task answer alike).
 */
async function fetchWithRetry(fetchFn: FetchFn, url: string, init: RequestInit): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetchFn(url, init);
    } catch (e) {
      if (attempt >= 2 || init.signal?.aborted === true || !(e instanceof TypeError)) throw e;
      await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
    }
  }
}
