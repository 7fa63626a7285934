import { describe, expect, it } from 'vitest';
import type { Token } from '../core/fleet/model.js';
import { createChangeFeed } from './change-feed.js';
import { TOKENS_NOTICE, createTokenCache } from './token-cache.js';

const token = (id: string): Token => ({
  id,
  name: id,
  role: 'tenant',
  tenant: 'acme',
  host: null,
  domainPolicy: 'tenant',
  createdAt: '2030-01-01T00:00:00.000Z',
});

/** A store of tokens by hash that counts its reads. */
function storeOf(tokens: Record<string, Token>) {
  const rows = new Map(Object.entries(tokens));
  const reads: string[] = [];
  return {
    rows,
    reads,
    read: (hash: string) => {
      reads.push(hash);
      return Promise.resolve(rows.get(hash) ?? null);
    },
  };
}

describe('token cache', () => {
  it('reads a token once, until a (tokens) notice or a lost-notice wake', async () => {
    const { feed, wake } = createChangeFeed();
    const cache = createTokenCache(feed);
    const s = storeOf({ a: token('a'), b: token('b') });
    expect(await cache.lookup('a', s.read)).toEqual(token('a'));
    expect(await cache.lookup('a', s.read)).toEqual(token('a'));
    expect(await cache.lookup('b', s.read)).toEqual(token('b'));
    expect(s.reads).toEqual(['a', 'b']);

    wake('node1'); // a host's notice leaves the tokens
    wake('sched:node1');
    expect(await cache.lookup('a', s.read)).toEqual(token('a'));
    expect(s.reads).toEqual(['a', 'b']);

    s.rows.delete('a');
    wake(TOKENS_NOTICE);
    expect(await cache.lookup('a', s.read)).toBeNull();
    expect(await cache.lookup('b', s.read)).toEqual(token('b'));
    expect(s.reads).toEqual(['a', 'b', 'a', 'b']);

    s.rows.delete('b');
    wake(null); // notices may have been lost: nothing held can be trusted
    expect(await cache.lookup('b', s.read)).toBeNull();
  });

  it('never holds an unknown hash: a token made later works without a notice', async () => {
    const { feed } = createChangeFeed();
    const cache = createTokenCache(feed);
    const s = storeOf({});
    expect(await cache.lookup('new', s.read)).toBeNull();
    s.rows.set('new', token('new'));
    expect(await cache.lookup('new', s.read)).toEqual(token('new'));
  });

  it('does not keep what was read while a notice came, or across a clear', async () => {
    const { feed, wake } = createChangeFeed();
    const cache = createTokenCache(feed);
    const s = storeOf({ a: token('a') });
    // The read saw the row; the revoke's notice came before the read finished.
    expect(
      await cache.lookup('a', async (h) => {
        const got = await s.read(h);
        s.rows.delete('a');
        wake(TOKENS_NOTICE);
        return got;
      }),
    ).toEqual(token('a'));
    expect(await cache.lookup('a', s.read)).toBeNull();

    s.rows.set('a', token('a'));
    await cache.lookup('a', async (h) => {
      const got = await s.read(h);
      s.rows.delete('a');
      cache.clear(); // a revoke through this controller
      return got;
    });
    expect(await cache.lookup('a', s.read)).toBeNull();

    s.rows.set('a', token('a'));
    await cache.lookup('a', s.read);
    cache.clear();
    s.rows.delete('a');
    expect(await cache.lookup('a', s.read)).toBeNull();
  });

  it('lets the oldest go beyond its bound', async () => {
    const { feed } = createChangeFeed();
    const cache = createTokenCache(feed, 2);
    const s = storeOf({ a: token('a'), b: token('b'), c: token('c') });
    for (const h of ['a', 'b', 'c', 'c', 'b', 'a']) await cache.lookup(h, s.read);
    expect(s.reads).toEqual(['a', 'b', 'c', 'a']);
  });
});
