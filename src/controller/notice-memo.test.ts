import { describe, expect, it } from 'vitest';
import { createChangeFeed } from './change-feed.js';
import { createNoticeMemo } from './notice-memo.js';

describe('notice memo', () => {
  it('keeps a value read until a notice for its host (id or sched:id) or a lost-notice wake', () => {
    const { feed, wake } = createChangeFeed();
    const memo = createNoticeMemo<number>(feed);
    expect(memo.get('h1')).toBeUndefined();
    memo.keep('h1', 7, memo.reading('h1'));
    memo.keep('h2', 3, memo.reading('h2'));
    expect(memo.get('h1')).toBe(7);

    wake('h2'); // another host's notice leaves h1's value
    expect(memo.get('h1')).toBe(7);
    expect(memo.get('h2')).toBeUndefined();

    wake('sched:h1');
    expect(memo.get('h1')).toBeUndefined();

    memo.keep('h1', 8, memo.reading('h1'));
    wake('task:h1'); // a task's end changes neither the generation nor the report
    expect(memo.get('h1')).toBe(8);
    wake(null);
    expect(memo.get('h1')).toBeUndefined();
  });

  it('does not keep what was read while a notice came: it may predate the change', () => {
    const { feed, wake } = createChangeFeed();
    const memo = createNoticeMemo<number>(feed);
    const r = memo.reading('h1');
    wake('h1');
    memo.keep('h1', 1, r);
    expect(memo.get('h1')).toBeUndefined();
    const lostDuring = memo.reading('h1');
    wake(null);
    memo.keep('h1', 2, lostDuring);
    expect(memo.get('h1')).toBeUndefined();
    memo.keep('h1', 3, memo.reading('h1'));
    memo.forget('h1');
    expect(memo.get('h1')).toBeUndefined();
  });
});
