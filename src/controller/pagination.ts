import { DEFAULT_PAGE_LIMIT } from '../api/schemas/pages.js';
import { VfleetError } from '../core/errors.js';
import type { KeyPart, Page, PageKey, PageQuery } from '../core/fleet/page.js';

/** The sort key of one list: its name (a cursor of another list is refused) and the type of each part. */
export interface ListKey {
  readonly list: string;
  /** s: text, n: integer, t: a timestamp as PostgreSQL writes it. */
  readonly parts: readonly ('s' | 'n' | 't')[];
}

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?[+-](\d{2})(:\d{2}){0,2}$/;

/**
 * A timestamp PostgreSQL could have written: one it would refuse (30
 * February, hour 25) is a forged cursor, told as such rather than sent to
 * the database to fail there.
 */
function isTimestamp(v: string): boolean {
  const m = TIMESTAMP.exec(v);
  if (m === null) return false;
  const [y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0] = m.slice(1, 7).map(Number);
  const day = new Date(Date.UTC(y, mo - 1, d));
  const fits = day.getUTCFullYear() === y && day.getUTCMonth() === mo - 1 && day.getUTCDate() === d;
  return fits && h < 24 && mi < 60 && sec < 60 && Number(m[8]) < 16;
}

/** Text the database stores: no NUL, no lone UTF-16 surrogate (PostgreSQL refuses both). */
const storable = (v: string) => !v.includes('\u0000') && !/[\uD800-\uDFFF]/u.test(v);

const partFits = (t: 's' | 'n' | 't', v: unknown): boolean =>
  t === 'n'
    ? typeof v === 'number' && Number.isSafeInteger(v)
    : typeof v === 'string' && (t === 's' ? storable(v) : isTimestamp(v));

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
  specs: { list: 'specs', parts: ['t', 's'] },
  physnets: { list: 'physnets', parts: ['s'] },
  networks: { list: 'networks', parts: ['s', 's'] },
  ports: { list: 'ports', parts: ['s', 's', 'n', 's'] },
  instances: { list: 'instances', parts: ['t', 's'] },
  tokens: { list: 'tokens', parts: ['t', 's'] },
  migrations: { list: 'migrations', parts: ['t', 's'] },
  quotas: { list: 'quotas', parts: ['s'] },
  events: { list: 'events', parts: ['n'] },
  // One list per order: a cursor of the newest-first walk is no place in the oldest-first one.
  auditDesc: { list: 'audit-desc', parts: ['n'] },
  auditAsc: { list: 'audit-asc', parts: ['n'] },
  datapathReports: { list: 'datapath-reports', parts: ['n'] },
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
