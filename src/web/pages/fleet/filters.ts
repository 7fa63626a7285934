import type { ApiInput } from '../../../api/call-types.js';
import type { hostRoutes } from '../../../api/routes/hosts.js';
import { HOST_SORTS } from '../../../core/fleet/host-query.js';
import { HOST_HEALTHS, type HostHealth } from '../../../core/fleet/model.js';

export type HostSort = (typeof HOST_SORTS)[number];

/** The fleet table's state, kept in the URL's query so a view is a link. */
export interface FleetFilters {
  readonly q: string;
  readonly health: HostHealth | null;
  readonly ready: boolean | null;
  readonly sort: HostSort;
  readonly cursor: string | null;
}

export const FLEET_PAGE_SIZE = 50;

const oneOf = <T extends string>(list: readonly T[], v: string | null): T | null =>
  v !== null && (list as readonly string[]).includes(v) ? (v as T) : null;

/** A URL query (`?q=db&health=degraded`) as filters; unknown values fall back to the default. */
export function filtersFromSearch(search: string): FleetFilters {
  const p = new URLSearchParams(search);
  const ready = p.get('ready');
  return {
    q: p.get('q') ?? '',
    health: oneOf(HOST_HEALTHS, p.get('health')),
    ready: ready === 'true' ? true : ready === 'false' ? false : null,
    sort: oneOf(HOST_SORTS, p.get('sort')) ?? 'id',
    cursor: p.get('cursor'),
  };
}

/** Filters as a URL query, defaults left out ('' for none of them). */
export function searchFromFilters(f: FleetFilters): string {
  const p = new URLSearchParams();
  if (f.q !== '') p.set('q', f.q);
  if (f.health !== null) p.set('health', f.health);
  if (f.ready !== null) p.set('ready', String(f.ready));
  if (f.sort !== 'id') p.set('sort', f.sort);
  if (f.cursor !== null) p.set('cursor', f.cursor);
  const s = p.toString();
  return s === '' ? '' : `?${s}`;
}

/** The GET /v1/hosts query for one page of the table. */
export function hostListQueryOf(
  f: FleetFilters,
): NonNullable<ApiInput<typeof hostRoutes.list>['query']> {
  return {
    limit: FLEET_PAGE_SIZE,
    ...(f.q === '' ? {} : { q: f.q }),
    ...(f.health === null ? {} : { health: f.health }),
    ...(f.ready === null ? {} : { ready: f.ready ? 'true' : 'false' }),
    ...(f.sort === 'id' ? {} : { sort: f.sort }),
    ...(f.cursor === null ? {} : { cursor: f.cursor }),
  };
}

/** The next sort when a column header is clicked: ascending first, then descending. */
export function toggledSort(current: HostSort, column: 'id' | 'lastSeen'): HostSort {
  return current === column ? (`-${column}` as const) : column;
}
