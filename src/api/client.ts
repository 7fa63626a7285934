import type { z } from '@hono/zod-openapi';
import { isVfleetError, VfleetError } from '../core/errors.js';
import { fieldPath } from '../core/validation.js';
import { errorSchema } from './schemas/common.js';

/**
 * The one client of the /v1 API, for the CLI and the agent alike. A call
 * names a route definition of src/api/routes, so the path, the request's
 * types and the answer's schema come from the same object the controller
 * serves; every answer is parsed with that schema before anyone reads it,
 * and every error body becomes a VfleetError here and nowhere else.
 */

/** `fetch` as the client needs it; the composition root passes the real one. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

type AnySchema = z.ZodType;
interface JsonContent {
  readonly content: { readonly 'application/json': { readonly schema: AnySchema } };
}

/** What a route definition holds that the client reads (createRoute's result fits). */
export interface ApiRoute {
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  readonly path: string;
  readonly request?: {
    readonly params?: AnySchema;
    readonly query?: AnySchema;
    readonly headers?: AnySchema;
    readonly body?: JsonContent;
  };
  readonly responses: Readonly<Record<number, object>>;
}

type Req<R extends ApiRoute> = NonNullable<R['request']>;
type Part<R extends ApiRoute, K extends 'params' | 'query' | 'headers'> =
  Req<R> extends Readonly<Record<K, infer S extends AnySchema>>
    ? K extends 'params'
      ? Readonly<Record<K, z.input<S>>>
      : // Every query parameter and header of the API is optional.
        Partial<Readonly<Record<K, z.input<S>>>>
    : Partial<Readonly<Record<K, never>>>;
/**
 * A request body may be built from readonly data (the client only
 * serialises it), and from interfaces: the open members a loose schema lets
 * pass (its index signature) are not asked for.
 */
type ReadonlyDeep<T> = T extends readonly (infer U)[]
  ? readonly ReadonlyDeep<U>[]
  : T extends object
    ? { readonly [K in keyof T as string extends K ? never : K]: ReadonlyDeep<T[K]> }
    : T;
/** The body a route takes, typed by its request schema. */
export type ApiBody<R extends ApiRoute> =
  Req<R> extends { readonly body: JsonContent }
    ? ReadonlyDeep<z.input<Req<R>['body']['content']['application/json']['schema']>>
    : never;
type BodyPart<R extends ApiRoute> =
  Req<R> extends { readonly body: JsonContent }
    ? { readonly body: ApiBody<R> | UserBody }
    : { readonly body?: never };

/**
 * A body assembled from a user's options, sent for the controller to
 * validate: its answer names the field at fault in the API's words, which
 * the CLI turns into the option's. Only this wrapper lets an unchecked body
 * through, so each such call site says so.
 */
export class UserBody {
  constructor(readonly fields: Readonly<Record<string, unknown>>) {}
}

/** The request of one route: its path parameters, query, headers and body, typed by its schemas. */
export type ApiInput<R extends ApiRoute> = Part<R, 'params'> &
  Part<R, 'query'> &
  Part<R, 'headers'> &
  BodyPart<R>;

type SuccessStatus = 200 | 201 | 202 | 204;
type AnswerOf<T> = T extends JsonContent
  ? z.output<T['content']['application/json']['schema']>
  : undefined;
/** The answer of one route, as its success response schemas give it (undefined for 204). */
export type ApiAnswer<R extends ApiRoute> = {
  [S in keyof R['responses'] & SuccessStatus]: AnswerOf<R['responses'][S]>;
}[keyof R['responses'] & SuccessStatus];

/** The item type of a paged list route (`{items, nextCursor}`). */
export type ApiItem<R extends ApiRoute> =
  ApiAnswer<R> extends { items: readonly (infer T)[] } ? T : never;

export interface ApiClientOptions {
  readonly baseUrl: string;
  readonly token: string;
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
    const what = `${route.method.toUpperCase()} ${path}`;
    const headers: Record<string, string> = {
      ...stringValues(input.headers),
      authorization: `Bearer ${o.token}`,
    };
    const body = input.body instanceof UserBody ? input.body.fields : input.body;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await o.fetch(`${base}${path}`, {
        method: route.method.toUpperCase(),
        headers,
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

/** The request never got an answer (refused, reset, cut): sent again, it may have been done already. */
export const unanswered = (e: unknown): boolean =>
  isVfleetError(e) && e.code === 'MISSING_DEPENDENCY' && e.details.status === undefined;

/** The API's error body as a VfleetError; anything else (a proxy's HTML page) keeps the status. */
export function apiError(status: number, data: unknown, what: string): VfleetError {
  const body = errorSchema.safeParse(data);
  if (body.success)
    return new VfleetError(body.data.code, body.data.message, { ...body.data.details, status });
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

function causeText(e: unknown): string {
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause : e;
  if (typeof cause === 'object' && cause !== null && 'code' in cause) {
    const code = cause.code;
    if (typeof code === 'string') return code;
  }
  return cause instanceof Error ? cause.message : String(cause);
}
