import { describe, expect, it } from 'vitest';
import { hostListQuery } from '../../../api/schemas/list-queries.js';
import {
  filtersFromSearch,
  hostListQueryOf,
  searchFromFilters,
  toggledSort,
  type FleetFilters,
} from './filters.js';

const none: FleetFilters = { q: '', health: null, ready: null, sort: 'id', cursor: null };

describe('fleet filters in the URL', () => {
  it('reads every filter from the query string and writes it back the same', () => {
    const s = '?q=db&health=degraded&ready=false&sort=-lastSeen&cursor=abc';
    const f = filtersFromSearch(s);
    expect(f).toEqual({
      q: 'db',
      health: 'degraded',
      ready: false,
      sort: '-lastSeen',
      cursor: 'abc',
    });
    expect(searchFromFilters(f)).toBe(s);
  });

  it('leaves defaults out of the URL', () => {
    expect(searchFromFilters(none)).toBe('');
    expect(filtersFromSearch('')).toEqual(none);
  });

  it('drops values a hand-edited URL got wrong instead of sending them', () => {
    expect(filtersFromSearch('?health=sick&ready=maybe&sort=name')).toEqual(none);
  });

  it('asks the API for one page with only the filters set, in a query its schema accepts', () => {
    const q = hostListQueryOf({ ...none, q: 'r1', ready: true, sort: 'lastSeen', cursor: 'c1' });
    expect(q).toEqual({ limit: 50, q: 'r1', ready: 'true', sort: 'lastSeen', cursor: 'c1' });
    expect(hostListQuery.safeParse(q).success).toBe(true);
    expect(hostListQueryOf(none)).toEqual({ limit: 50 });
  });

  it('sorts a column ascending first, then descending, then ascending again', () => {
    expect(toggledSort('id', 'lastSeen')).toBe('lastSeen');
    expect(toggledSort('lastSeen', 'lastSeen')).toBe('-lastSeen');
    expect(toggledSort('-lastSeen', 'lastSeen')).toBe('lastSeen');
    expect(toggledSort('id', 'id')).toBe('-id');
  });
});
