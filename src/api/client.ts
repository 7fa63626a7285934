import { VfleetError } from '../core/errors.js';
import { fieldPath } from '../core/validation.js';
import {
  UserBody,
  type ApiAnswer,
  type ApiInput,
  type ApiItem,
  type ApiRoute,
  type JsonContent,
} from './call-types.js';
import { apiError, causeText } from './client-errors.js';

/**
 * The one client of the /v1 API, for the CLI, the agent and the dashboard. A call
 * names a route definition of src/api/routes, so the path, the request's
 * types and the answer's schema come from the same object the controller
 * serves; every answer is parsed with that schema before anyone reads it,
 * and every error body becomes a VfleetError (client-errors.ts) here and
 * nowhere else.
 */

/** `fetch` as the client needs it; the composition root passes the real one. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface ApiClientOptions {
  /** '' in the browser: requests go to the page's own origin. */
  readonly baseUrl: string;
  /** The bearer token (CLI, agent). Without one, the client is in cookie mode (below). */
  readonly token?: string;
  /**
   * Cookie mode, the dashboard's: the browser sends the session cookie, and
   * every write carries the session's CSRF secret, which this gives (null
   * before sign-in), because the controller refuses a cookie write without it.
   */
  readonly csrf?: () => string | null;
  readonly fetch: FetchLike;
  /** Where the token came from (`--token`, `VFLEET_TOKEN`, a file), named when it is refused. */
  readonly tokenFrom?: string;
  /** Said after "cannot reach the controller at URL: ..." (what the user can do about it). */
  readonly unreachableHint?: string;
}

export interface CallOptions {
  /** Gives up the request (a followed long poll ended by Ctrl-C, an agent stopping). */
  readonly signal?: AbortSignal;
}

export interface ApiClient {
  readonly baseUrl: string;
  /** One request; the answer parsed with the route's response schema. */
  call<R extends ApiRoute>(route: R, input: ApiInput<R>, o?: CallOptions): Promise<ApiAnswer<R>>;
  /**
   * One request whose answer is returned as sent, for a caller that parses
   * it itself to act on a mismatch (the agent refusing a desired state).
   */
  callRaw<R extends ApiRoute>(route: R, input: ApiInput<R>, o?: CallOptions): Promise<unknown>;
  /**
   * Every item of a paged list route, following the cursors; `limit` caps
   * how many are fetched (default: all).
   */
  list<R extends ApiRoute>(route: R, input: ApiInput<R>, limit?: number): Promise<ApiItem<R>[]>;
}

/** The API's largest page: lists are fetched in as few requests as it allows. */
const PAGE_MAX = 1000;

export function createApiClient(o: ApiClientOptions): ApiClient {
  const base = o.baseUrl.replace(/\/+$/, '');
  const send = async (
    route: ApiRoute,
    input: Readonly<Record<string, unknown>>,
    co: CallOptions = {},
  ): Promise<{ status: number; data: unknown; what: string }> => {
    const path = requestPath(route.path, input.params, input.query);
    const method = route.method.toUpperCase();
    const what = `${method} ${path}`;
    const headers: Record<string, string> = { ...stringValues(input.headers) };
    if (o.token !== undefined) headers.authorization = `Bearer ${o.token}`;
    const csrf = o.token === undefined && method !== 'GET' ? (o.csrf?.() ?? null) : null;
    if (csrf !== null) headers['x-vfleet-csrf'] = csrf;
    const body = input.body instanceof UserBody ? input.body.fields : input.body;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await o.fetch(`${base}${path}`, {
        method,
        headers,
        ...(o.token === undefined ? { credentials: 'same-origin' as const } : {}),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(co.signal === undefined ? {} : { signal: co.signal }),
      });
    } catch (e) {
      if (co.signal?.aborted === true) throw e;
      const hint = o.unreachableHint === undefined ? '' : `; ${o.unreachableHint}`;
      throw new VfleetError(
        'MISSING_DEPENDENCY',
        `cannot reach the controller at ${base}: ${causeText(e)}${hint}`,
        { url: base },
      );
    }
    const data = parseJson(await res.text());
    if (!res.ok) {
      const e = apiError(res.status, data, what);
      if (res.status !== 401 || o.tokenFrom === undefined) throw e;
      throw new VfleetError(
        'UNAUTHORIZED',
        `the controller at ${base} refused the token from ${o.tokenFrom} (401: ${e.message})`,
        { ...e.details, field: 'token', tokenFrom: o.tokenFrom },
      );
    }
    return { status: res.status, data, what };
  };
  const call = async <R extends ApiRoute>(
    route: R,
    input: ApiInput<R>,
    co?: CallOptions,
  ): Promise<ApiAnswer<R>> => {
    const { status, data, what } = await send(route, input, co);
    return parseAnswer(route, status, data, what);
  };
  return {
    baseUrl: base,
    call,
    callRaw: async (route, input, co) => (await send(route, input, co)).data,
    async list<R extends ApiRoute>(route: R, input: ApiInput<R>, limit = Infinity) {
      const out: ApiItem<R>[] = [];
      let cursor: string | null = null;
      const query = stringValues(input.query);
      do {
        const want = Math.min(PAGE_MAX, limit - out.length);
        const sent = await send(route, {
          ...input,
          query: { ...query, limit: want, ...(cursor === null ? {} : { cursor }) },
        });
        const page: unknown = parseAnswer(route, sent.status, sent.data, sent.what);
        if (!isPage<ApiItem<R>>(page))
          throw new VfleetError('INTERNAL', `GET ${route.path}: the controller sent no page`);
        out.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor !== null && out.length < limit);
      return out;
    },
  };
}

/**
 * An answer read by the route's schema for its status. One that does not
 * fit is refused whole, naming the field (a controller of another version,
 * or something that is not the controller).
 */
export function parseAnswer<R extends ApiRoute>(
  route: R,
  status: number,
  data: unknown,
  what: string,
): ApiAnswer<R> {
  const spec: unknown = route.responses[status];
  const schema = hasJson(spec) ? spec.content['application/json'].schema : null;
  if (schema === null) return undefined as ApiAnswer<R>;
  const r = schema.safeParse(data);
  if (r.success) return r.data as ApiAnswer<R>;
  const issue = r.error.issues[0];
  const field = issue === undefined ? '(root)' : fieldPath(issue.path);
  throw new VfleetError(
    'INTERNAL',
    `${what}: the controller's answer does not fit the API: ${field}: ${issue?.message ?? 'invalid'}`,
    { field, status },
  );
}

function requestPath(template: string, params: unknown, query: unknown): string {
  const p = stringValues(params);
  const path = template.replace(/\{(\w+)\}/g, (_m, k: string) => encodeURIComponent(p[k] ?? ''));
  const q = new URLSearchParams(stringValues(query)).toString();
  return q === '' ? path : `${path}?${q}`;
}

/** An object's defined values as strings (query, path and header values). */
function stringValues(o: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof o !== 'object' || o === null) return out;
  for (const [k, v] of Object.entries(o))
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
      out[k] = String(v);
  return out;
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

const hasJson = (spec: unknown): spec is JsonContent =>
  typeof spec === 'object' &&
  spec !== null &&
  'content' in spec &&
  typeof spec.content === 'object' &&
  spec.content !== null &&
  'application/json' in spec.content;

// T: the item type the route's schema gave the items it has just parsed.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
function isPage<T>(v: unknown): v is { items: T[]; nextCursor: string | null } {
  return (
    typeof v === 'object' &&
    v !== null &&
    'items' in v &&
    Array.isArray(v.items) &&
    'nextCursor' in v &&
    (v.nextCursor === null || typeof v.nextCursor === 'string')
  );
}
