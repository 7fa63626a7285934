import { ERROR_CODES, isVfleetError, VfleetError } from '../core/errors.js';
import { isOneOf } from '../core/vocabulary.js';
import type { FleetDeps } from './fleet-deps.js';

export interface ApiClient {
  readonly baseUrl: string;
  /** `signal`: gives up the request (a followed long poll ended by Ctrl-C). */
  get<T = unknown>(path: string, signal?: AbortSignal): Promise<T>;
  /** `headers`: extra request headers (an Idempotency-Key). */
  post<T = unknown>(path: string, body: unknown, headers?: Record<string, string>): Promise<T>;
  /**
   * Every item of a paged list (`{items, nextCursor}`), following the
   * cursors; `limit` caps how many are fetched (default: all).
   */
  list<T = unknown>(path: string, limit?: number): Promise<T[]>;
  patch<T = unknown>(path: string, body: unknown): Promise<T>;
  put<T = unknown>(path: string, body: unknown): Promise<T>;
  /** The answer's body, when there is one (a 202 says what is still to happen). */
  delete(path: string): Promise<unknown>;
}

/** The API's largest page: lists are fetched in as few requests as it allows. */
const PAGE_MAX = 1000;

interface Paged<T> {
  readonly items?: T[];
  readonly nextCursor?: string | null;
}

/**
 * The controller's /v1 API for CLI commands. An answer with `{code,
 * message, details}` becomes the same VfleetError, so the CLI exits with the
 * code errorCodeInfo gives it; a controller that cannot be reached is
 * MISSING_DEPENDENCY (503/13), never a stack trace.
 */
export function createApiClient(
  fetchFn: FleetDeps['fetch'],
  baseUrl: string,
  token: string,
  /** Where the token came from (`--token`, `VFLEET_TOKEN`, a file), named when it is refused. */
  tokenFrom?: string,
): ApiClient {
  const base = baseUrl.replace(/\/+$/, '');
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    extra: Record<string, string> = {},
    signal?: AbortSignal,
  ): Promise<unknown> => {
    const headers: Record<string, string> = { ...extra, authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetchFn(`${base}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (e) {
      throw new VfleetError(
        'MISSING_DEPENDENCY',
        `cannot reach the controller at ${base}: ${causeText(e)}; is it running? (--controller or VFLEET_URL)`,
        { url: base },
      );
    }
    const text = await res.text();
    let data: unknown = null;
    if (text !== '') {
      try {
        data = JSON.parse(text) as unknown;
      } catch {
        data = null;
      }
    }
    if (!res.ok) {
      const e = apiError(res.status, data, `${method} ${path}`);
      if (res.status !== 401 || tokenFrom === undefined) throw e;
      throw new VfleetError(
        'UNAUTHORIZED',
        `the controller at ${base} refused the token from ${tokenFrom} (401: ${e.message})`,
        { ...e.details, field: 'token', tokenFrom },
      );
    }
    return data;
  };
  const list = async <T>(path: string, limit = Infinity): Promise<T[]> => {
    const out: T[] = [];
    let cursor: string | null = null;
    do {
      const want = Math.min(PAGE_MAX, limit - out.length);
      const sep = path.includes('?') ? '&' : '?';
      const more: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const page = (await call('GET', `${path}${sep}limit=${want}${more}`)) as Paged<T>;
      if (!Array.isArray(page.items))
        throw new VfleetError('INTERNAL', `GET ${path}: the controller sent no list of items`);
      out.push(...page.items);
      cursor = page.nextCursor ?? null;
    } while (cursor !== null && out.length < limit);
    return out;
  };
  return {
    baseUrl: base,
    get: <T>(path: string, signal?: AbortSignal) =>
      call('GET', path, undefined, {}, signal) as Promise<T>,
    post: <T>(path: string, body: unknown, headers?: Record<string, string>) =>
      call('POST', path, body, headers) as Promise<T>,
    list,
    patch: <T>(path: string, body: unknown) => call('PATCH', path, body) as Promise<T>,
    put: <T>(path: string, body: unknown) => call('PUT', path, body) as Promise<T>,
    delete: (path: string) => call('DELETE', path),
  };
}

/** The request never got an answer (refused, reset, cut): sent again, it may have been done already. */
export const unanswered = (e: unknown): boolean =>
  isVfleetError(e) && e.code === 'MISSING_DEPENDENCY' && e.details.status === undefined;

/** The API's error body as a VfleetError; anything else (a proxy's HTML page) keeps the status. */
export function apiError(status: number, data: unknown, what: string): VfleetError {
  const d = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
  const details =
    typeof d.details === 'object' && d.details !== null
      ? (d.details as Record<string, unknown>)
      : {};
  if (isOneOf(ERROR_CODES, d.code) && typeof d.message === 'string')
    return new VfleetError(d.code, d.message, { ...details, status });
  const code =
    status === 401
      ? 'UNAUTHORIZED'
      : status === 403
        ? 'FORBIDDEN'
        : status === 404
          ? 'NOT_FOUND'
          : 'INTERNAL';
  return new VfleetError(code, `${what}: the controller answered HTTP ${status}`, { status });
}

function causeText(e: unknown): string {
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause : e;
  const code = (cause as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return cause instanceof Error ? cause.message : String(cause);
}
