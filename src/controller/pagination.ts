import { z } from '@hono/zod-openapi';
import { VfleetError } from '../core/errors.js';
import type { KeyPart, Page, PageKey, PageQuery } from '../core/fleet/page.js';

/** Every list answers at most this many items per page; `?limit=` may ask for fewer or more, up to MAX. */
export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 1000;

export const pageQuerySchema = z.object({
  limit: z.coerce
    .number('must be a number')
    .int('must be a whole number')
    .min(1, `limit must be 1 to ${MAX_PAGE_LIMIT}`)
    .max(MAX_PAGE_LIMIT, `limit must be 1 to ${MAX_PAGE_LIMIT}`)
    .optional()
    .openapi({
      param: { name: 'limit', in: 'query' },
      description: `items per page (default ${DEFAULT_PAGE_LIMIT}, at most ${MAX_PAGE_LIMIT})`,
      example: 100,
    }),
  cursor: z
    .string()
    .max(2048, 'a cursor has at most 2048 characters')
    .optional()
    .openapi({
      param: { name: 'cursor', in: 'query' },
      description: 'the `nextCursor` of the previous page; absent for the first page',
    }),
});

export const pageSchema = <T extends z.ZodType>(item: T, name: string) =>
  z
    .object({
      items: z.array(item),
      nextCursor: z
        .string()
        .nullable()
        .openapi({ description: 'pass as `?cursor=` for the next page; null on the last page' }),
    })
    .openapi(name);

/** The sort key of one list: its name (a cursor of another list is refused) and the type of each part. */
export interface ListKey {
  readonly list: string;
  /** s: text, n: integer, t: a timestamp as PostgreSQL writes it. */
  readonly parts: readonly ('s' | 'n' | 't')[];
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2}){0,2}$/;

const partFits = (t: 's' | 'n' | 't', v: unknown): boolean =>
  t === 'n'
    ? typeof v === 'number' && Number.isSafeInteger(v)
    : typeof v === 'string' && (t === 's' || TIMESTAMP.test(v));

/** base64url of JSON `[list, ...key]`: opaque to clients, checked on the way back. */
export const encodeCursor = (k: ListKey, key: PageKey): string =>
  Buffer.from(JSON.stringify([k.list, ...key]), 'utf8').toString('base64url');

export function decodeCursor(k: ListKey, cursor: string): PageKey {
  const bad = (why: string) =>
    new VfleetError('INVALID_INPUT', `query.cursor: ${why}; pass a nextCursor of this list`, {
      field: 'query.cursor',
    });
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad('not a cursor');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad('not a cursor');
  }
  if (!Array.isArray(parsed) || parsed[0] !== k.list) throw bad(`not a cursor of ${k.list}`);
  const key = parsed.slice(1) as unknown[];
  const fits =
    key.length === k.parts.length &&
    key.every((v, i) => {
      const t = k.parts[i];
      return t !== undefined && partFits(t, v);
    });
  if (!fits) throw bad(`not a cursor of ${k.list}`);
  return key as KeyPart[];
}

/** The sort keys of the API's lists (the store's keyset columns, list-pages.ts). */
export const LIST_KEYS = {
  hosts: { list: 'hosts', parts: ['s'] },
  specs: { list: 'specs', parts: ['t', 's'] },
  physnets: { list: 'physnets', parts: ['s'] },
  networks: { list: 'networks', parts: ['s', 's'] },
  ports: { list: 'ports', parts: ['s', 's', 'n', 's'] },
  instances: { list: 'instances', parts: ['t', 's'] },
  tokens: { list: 'tokens', parts: ['t', 's'] },
  migrations: { list: 'migrations', parts: ['t', 's'] },
  quotas: { list: 'quotas', parts: ['s'] },
  events: { list: 'events', parts: ['n'] },
} as const satisfies Record<string, ListKey>;

/** The store's page query for `?limit=&cursor=`. */
export function pageQuery(
  k: ListKey,
  q: { limit?: number | undefined; cursor?: string | undefined },
): PageQuery {
  return {
    limit: q.limit ?? DEFAULT_PAGE_LIMIT,
    after: q.cursor === undefined || q.cursor === '' ? null : decodeCursor(k, q.cursor),
  };
}

/** The answer `{items, nextCursor}`. */
export const pageOut = <T, U>(k: ListKey, page: Page<T>, map: (t: T) => U) => ({
  items: page.items.map(map),
  nextCursor: page.next === null ? null : encodeCursor(k, page.next),
});
