import { describe, expect, it } from 'vitest';
import type { Token } from '../core/fleet/model.js';
import { createChangeFeed } from './change-feed.js';
import { createTokenCache, tokenNotice } from './token-cache.js';

const token = (id: string): Token => ({
  id,
  name: id,
  role: 'tenant',
  tenant: 'acme',
  host: null,
  domainPolicy: 'tenant',
  createdAt: '2030-01-01T00:00:00.000Z',
});

/** A store of tokens by hash (the hash of token `x` is `#x`) that counts its reads. */
function storeOf(...ids: string[]) {
  const rows = new Map(ids.map((id) => [`#${id}`, token(id)]));
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
  it("reads a token once, until that token's notice or a lost-notice wake", async () => {
    const { feed, wake } = createChangeFeed();
    const cache = createTokenCache(feed);
    const s = storeOf('a', 'b');
    expect(await cache.lookup('#a', s.read)).toEqual(token('a'));
    expect(await cache.lookup('#a', s.read)).toEqual(token('a'));
    expect(await cache.lookup('#b', s.read)).toEqual(token('b'));
    expect(s.reads).toEqual(['#a', '#b']);

    wake('node1'); // a host's notice leaves the tokens
    wake('sched:node1');
    expect(await cache.lookup('#a', s.read)).toEqual(token('a'));
    expect(s.reads).toEqual(['#a', '#b']);

    // a's notice drops a alone: b is still answered from memory.
    s.rows.delete('#a');
    wake(tokenNotice('a'));
    expect(await cache.lookup('#a', s.read)).toBeNull();
    expect(await cache.lookup('#b', s.read)).toEqual(token('b'));
    expect(s.reads).toEqual(['#a', '#b', '#a']);

    s.rows.delete('#b');
    wake(null); // notices may have been lost: nothing held can be trusted
    expect(await cache.lookup('#b', s.read)).toBeNull();
  });

  it('never holds an unknown hash: a token made later works without a notice', async () => {
    const { feed } = createChangeFeed();
    const cache = createTokenCache(feed);
    const s = storeOf();
    expect(await cache.lookup('#new', s.read)).toBeNull();
    s.rows.set('#new', token('new'));
    expect(await cache.lookup('#new', s.read)).toEqual(token('new'));
  });

  it('does not keep what was read while its notice came, or a lost-notice wake, or a forget', async () => {
    const { feed, wake } = createChangeFeed();
    const cache = createTokenCache(feed);
    const s = storeOf('a');
    // The read saw the row; the revoke's notice came before the read finished.
    const revokedDuringRead = (notice: () => void) => async (h: string) => {
      const got = await s.read(h);
      s.rows.delete('#a');
      notice();
      return got;
    };
    expect(
      await cache.lookup(
        '#a',
        revokedDuringRead(() => {
          wake(tokenNotice('a'));
        }),
      ),
    ).toEqual(token('a'));
    expect(await cache.lookup('#a', s.read)).toBeNull();

    s.rows.set('#a', token('a'));
    await cache.lookup(
      '#a',
      revokedDuringRead(() => {
        wake(null);
      }),
    );
    expect(await cache.lookup('#a', s.read)).toBeNull();

    s.rows.set('#a', token('a'));
    await cache.lookup(
      '#a',
      revokedDuringRead(() => {
        cache.forget('a');
      }), // a revoke through this controller
    );
    expect(await cache.lookup('#a', s.read)).toBeNull();

    // Another token's notice during the read does not stop it being kept.
    s.rows.set('#a', token('a'));
    s.reads.length = 0;
    await cache.lookup('#a', async (h) => {
      const got = await s.read(h);
      wake(tokenNotice('b'));
      return got;
    });
    await cache.lookup('#a', s.read);
    expect(s.reads).toEqual(['#a']);
  });

  it('forgets one token at once, the others held', async () => {
    const { feed } = createChangeFeed();
    const cache = createTokenCache(feed);
    const s = storeOf('a', 'b');
    await cache.lookup('#a', s.read);
    await cache.lookup('#b', s.read);
    s.rows.delete('#a');
    cache.forget('a');
    expect(await cache.lookup('#a', s.read)).toBeNull();
    expect(await cache.lookup('#b', s.read)).toEqual(token('b'));
    expect(s.reads).toEqual(['#a', '#b', '#a']);
  });

  it('lets the oldest go beyond its bound', async () => {
    const { feed } = createChangeFeed();
    const cache = createTokenCache(feed, 2);
    const s = storeOf('a', 'b', 'c');
    for (const h of ['#a', '#b', '#c', '#c', '#b', '#a']) await cache.lookup(h, s.read);
    expect(s.reads).toEqual(['#a', '#b', '#c', '#a']);
  });
});
