import { describe, expect, it } from 'vitest';
import { jsonProblem, MAX_JSON_DEPTH, printableKey, textProblem } from './input-text.js';

const nested = (levels: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = { a: v };
  return v;
};

describe('textProblem', () => {
  it('refuses NUL and unpaired surrogates, keeps pairs and ordinary text', () => {
    expect(textProblem('a\u0000b', false)).toMatch(/NUL/);
    expect(textProblem('x\ud800', false)).toMatch(/surrogate/);
    expect(textProblem('\udc00x', false)).toMatch(/surrogate/);
    expect(textProblem('\udbff\ud800', false)).toMatch(/surrogate/);
    expect(textProblem('💥 fine\n\ttext', false)).toBeNull();
  });

  it('refuses other control characters only when asked (ids, not free text)', () => {
    expect(textProblem('a\u0007b', false)).toBeNull();
    expect(textProblem('a\u0007b', true)).toMatch(/control/);
    expect(textProblem('a\u007fb', true)).toMatch(/control/);
    expect(textProblem('node-1.a_b', true)).toBeNull();
  });
});

describe('jsonProblem', () => {
  it('names the path of the offending string, key or container', () => {
    expect(jsonProblem({ a: [1, { b: 'x\u0000' }] })).toEqual({
      field: 'a[1].b',
      reason: expect.stringMatching(/NUL/) as unknown,
    });
    expect(jsonProblem({ labels: { 'k\u0000': 'v' } })?.field).toBe('labels.k\\u0000');
    expect(jsonProblem('\ud800')?.field).toBe('(root)');
    expect(jsonProblem({ ok: 'fine', list: [true, null, 3] })).toBeNull();
  });

  it('takes nesting up to the bound and refuses one level more, at that container', () => {
    expect(jsonProblem(nested(MAX_JSON_DEPTH))).toBeNull();
    const over = jsonProblem(nested(MAX_JSON_DEPTH + 1));
    expect(over?.field).toBe(`a${'.a'.repeat(MAX_JSON_DEPTH - 1)}`);
    expect(over?.reason).toMatch(/deeper than 32/);
  });

  it('walks 100,000 levels without overflowing the stack', () => {
    expect(jsonProblem(nested(100_000), 200_000)).toBeNull();
  });

  it('finds the first problem in document order', () => {
    expect(jsonProblem([{ a: '\u0000' }, { b: '\u0000' }])?.field).toBe('[0].a');
  });
});

describe('printableKey', () => {
  it('escapes control characters and lone surrogates, keeps pairs', () => {
    expect(printableKey('a\u0001\udc00💥')).toBe('a\\u0001\\udc00💥');
  });
});
