import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import type { PageKey } from '../../core/fleet/page.js';

/**
 * One column of a list's sort key. A timestamp travels in the cursor as
 * PostgreSQL's own text of it (`keyText`), so microseconds survive the trip.
 */
export interface KeyColumn {
  readonly ref: string;
  readonly timestamp?: boolean;
  /** NULL sorts as this (a nullable column in a key). */
  readonly nullAs?: string;
}

const colExpr = (c: KeyColumn): RawBuilder<unknown> =>
  c.nullAs === undefined ? sql.ref(c.ref) : sql`coalesce(${sql.ref(c.ref)}, ${c.nullAs})`;

/** The sort expression of a key column, for ORDER BY. */
export const keyOrder = (c: KeyColumn): RawBuilder<unknown> => colExpr(c);

/** The column as it goes into a cursor (timestamps as text). */
export const keyText = (c: KeyColumn): RawBuilder<string> =>
  c.timestamp === true ? sql<string>`${sql.ref(c.ref)}::text` : sql<string>`${colExpr(c)}`;

/**
 * Rows strictly after `key` in the order of `cols` (a row comparison the
 * index answers): `(a, b) > ($1, $2)`, or `<` for a descending list.
 */
export function afterKey(
  cols: readonly KeyColumn[],
  key: PageKey,
  desc = false,
): RawBuilder<boolean> {
  const left = sql.join(cols.map(colExpr));
  const right = sql.join(
    cols.map((c, i) =>
      c.timestamp === true ? sql`${key[i] ?? null}::timestamptz` : sql`${key[i] ?? null}`,
    ),
  );
  return sql<boolean>`(${left}) ${sql.raw(desc ? '<' : '>')} (${right})`;
}
