import { C0_OR_DEL } from './control-chars.js';

/**
 * Transport-level limits on what a request may carry, whatever the route:
 * text the store can keep (PostgreSQL refuses U+0000 in text and jsonb, and
 * jsonb refuses unpaired UTF-16 surrogates) and JSON no deeper than anything
 * vfleet sends (agent reports nest about 6 levels; findings are stored as
 * jsonb, and deep nesting exhausts the stack of whoever walks it next).
 */

/** Containers (objects, arrays) one JSON body may nest; the root counts as 1. */
export const MAX_JSON_DEPTH = 32;

export interface InputProblem {
  /** Dotted path as fieldPath() writes it (`findings[0].evidence`); '(root)' for the whole body. */
  readonly field: string;
  readonly reason: string;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why `s` cannot be taken, or null. `controls`: also refuse every control
 * character (ids, names and query values), not only NUL (free text keeps
 * newlines and tabs).
 */
export function textProblem(s: string, controls: boolean): string | null {
  if (s.includes('\u0000')) return 'contains a NUL character (U+0000)';
  if (controls && C0_OR_DEL.test(s)) return 'contains a control character';
  if (LONE_SURROGATE.test(s)) return 'contains an unpaired UTF-16 surrogate (not valid Unicode)';
  return null;
}

/** A key as it may appear in a field path: control characters and lone surrogates escaped. */
export function printableKey(key: string): string {
  let out = '';
  for (let i = 0; i < key.length; i++) {
    const ch = key.charCodeAt(i);
    const paired =
      (ch >= 0xd800 && ch <= 0xdbff && isLow(key.charCodeAt(i + 1))) ||
      (ch >= 0xdc00 && ch <= 0xdfff && isHigh(key.charCodeAt(i - 1)));
    const bad = C0_OR_DEL.test(key.charAt(i)) || (ch >= 0xd800 && ch <= 0xdfff && !paired);
    out += bad ? `\\u${ch.toString(16).padStart(4, '0')}` : key.charAt(i);
  }
  return out;
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

const child = (path: string, key: string | number): string =>
  typeof key === 'number'
    ? `${path}[${key}]`
    : path === ''
      ? printableKey(key)
      : `${path}.${printableKey(key)}`;

/**
 * The first value in a parsed JSON body that cannot be taken: a string or
 * key with NUL or an unpaired surrogate, or nesting deeper than `maxDepth`.
 * Iterative, so a hostile depth cannot overflow the stack here either.
 */
export function jsonProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): InputProblem | null {
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: value, path: '', depth: 0 }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { v, path, depth } = top;
    const field = path === '' ? '(root)' : path;
    if (typeof v === 'string') {
      const reason = textProblem(v, false);
      if (reason !== null) return { field, reason };
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (depth + 1 > maxDepth) return { field, reason: `nested deeper than ${maxDepth} levels` };
    const entries: [string | number, unknown][] = Array.isArray(v)
      ? v.map((x, i) => [i, x])
      : Object.entries(v);
    for (const [k] of entries) {
      const reason = typeof k === 'string' ? textProblem(k, false) : null;
      if (reason !== null) return { field: child(path, k), reason: `the key ${reason}` };
    }
    // Pushed in reverse, so values are visited in document order.
    for (const [k, x] of entries.reverse())
      stack.push({ v: x, path: child(path, k), depth: depth + 1 });
  }
  return null;
}
