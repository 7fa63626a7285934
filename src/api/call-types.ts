import type { z } from '@hono/zod-openapi';

/*
 * What a route definition of src/api/routes gives a call through the client:
 * the request's parts and the answer, typed by the route's own schemas, so a
 * caller cannot send or read what the controller does not serve.
 */

type AnySchema = z.ZodType;
export interface JsonContent {
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
