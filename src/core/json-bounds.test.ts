import { describe, expect, it } from 'vitest';
import { jsonBoundsProblem } from './json-bounds.js';

const bounds = { maxDepth: 3, maxString: 5, maxMembers: 2 };

describe('jsonBoundsProblem', () => {
  it('takes what is within bounds', () => {
    expect(jsonBoundsProblem({ a: [1, 'abcde'], b: null }, bounds)).toBeNull();
  });

  it.each([
    ['too deep', { a: { b: { c: {} } } }, ['a', 'b', 'c'], 'nested deeper than 3 levels'],
    ['a long string', { a: ['x', 'abcdef'] }, ['a', 1], 'a string of at most 5 characters'],
    ['too many members', { a: [1, 2, 3] }, ['a'], 'more than 2 members'],
    ['a long key', { abcdef: 1 }, [], 'a key of at most 5 characters'],
  ])('names the place of %s', (_what, value, path, reason) => {
    expect(jsonBoundsProblem(value, bounds)).toEqual({ path, reason });
  });

  it('walks 100,000 levels without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(jsonBoundsProblem(deep, { ...bounds, maxDepth: 10 })?.reason).toBe(
      'nested deeper than 10 levels',
    );
  });
});
