import { describe, expect, it } from 'vitest';
import { createApiClient } from './api-client.js';

/** A paged list of 2,500 numbers, served as the controller serves its lists. */
function pagedFetch() {
  const asked: string[] = [];
  const all = Array.from({ length: 2500 }, (_, i) => i);
  const fetchFn = (url: string): Promise<Response> => {
    asked.push(url);
    const u = new URL(url);
    const limit = Number(u.searchParams.get('limit') ?? 100);
    const from = Number(u.searchParams.get('cursor') ?? 0);
    const items = all.slice(from, from + limit);
    const next = from + limit < all.length ? String(from + limit) : null;
    return Promise.resolve(new Response(JSON.stringify({ items, nextCursor: next })));
  };
  return { asked, all, fetchFn };
}

describe('api client lists', () => {
  it('follows every page, as few and as large as the API allows', async () => {
    const f = pagedFetch();
    const api = createApiClient(f.fetchFn, 'http://c', 't');
    expect(await api.list<number>('/v1/things')).toEqual(f.all);
    expect(f.asked).toEqual([
      'http://c/v1/things?limit=1000',
      'http://c/v1/things?limit=1000&cursor=1000',
      'http://c/v1/things?limit=1000&cursor=2000',
    ]);
  });

  it('stops at a limit, and keeps the filters of the path', async () => {
    const f = pagedFetch();
    const api = createApiClient(f.fetchFn, 'http://c', 't');
    expect(await api.list<number>('/v1/things?host=a', 1200)).toEqual(f.all.slice(0, 1200));
    expect(f.asked[1]).toBe('http://c/v1/things?host=a&limit=200&cursor=1000');
  });
});
