import { z } from '@hono/zod-openapi';

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
