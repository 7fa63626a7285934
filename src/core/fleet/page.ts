/**
 * Keyset pagination as the store serves it: at most `limit` rows after the
 * row whose sort key is `after` (null: from the start), in the list's
 * stable order. `next` is the key of the last row when more may follow.
 */
export type KeyPart = string | number;
export type PageKey = readonly KeyPart[];

export interface PageQuery {
  readonly limit: number;
  readonly after: PageKey | null;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly next: PageKey | null;
}

/** Everything (internal callers that need the whole set, e.g. `lookup by name`). */
export const ALL: PageQuery = { limit: Number.MAX_SAFE_INTEGER, after: null };

/**
 * From `limit + 1` rows read in order: the page, and the key of its last
 * row when the extra row shows more follow.
 */
export function pageOf<R, T>(
  rows: readonly R[],
  limit: number,
  key: (r: R) => PageKey,
  map: (r: R) => T,
): Page<T> {
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  const last = shown[shown.length - 1];
  return { items: shown.map(map), next: more && last !== undefined ? key(last) : null };
}
