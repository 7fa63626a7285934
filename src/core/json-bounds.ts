/**
 * Bounds for JSON that a schema lets through without knowing it (fields a
 * newer agent adds to its scan, docs/scan-json.md): how deep it nests, how
 * long its strings are and how many members a level has. Known fields have
 * their own limits; this keeps the unknown ones from being arbitrary.
 */
export interface JsonBounds {
  /** Levels of arrays and objects, the value itself being level 1. */
  readonly maxDepth: number;
  readonly maxString: number;
  /** Members of one array or object. */
  readonly maxMembers: number;
}

export interface JsonBoundsProblem {
  /** Path below the checked value, as in zod issues. */
  readonly path: readonly (string | number)[];
  readonly reason: string;
}

/** The first place `value` leaves `bounds`, or null. Iterative: deep input cannot overflow the stack. */
export function jsonBoundsProblem(value: unknown, bounds: JsonBounds): JsonBoundsProblem | null {
  const stack: { v: unknown; path: (string | number)[]; depth: number }[] = [
    { v: value, path: [], depth: 1 },
  ];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { v, path, depth } = top;
    if (typeof v === 'string') {
      if (v.length > bounds.maxString)
        return { path, reason: `a string of at most ${bounds.maxString} characters` };
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (depth > bounds.maxDepth)
      return { path, reason: `nested deeper than ${bounds.maxDepth} levels` };
    const entries: [string | number, unknown][] = Array.isArray(v)
      ? v.map((x, i) => [i, x] as [number, unknown])
      : Object.entries(v);
    if (entries.length > bounds.maxMembers)
      return { path, reason: `more than ${bounds.maxMembers} members` };
    for (const [k, x] of entries) {
      if (typeof k === 'string' && k.length > bounds.maxString)
        return { path, reason: `a key of at most ${bounds.maxString} characters` };
      stack.push({ v: x, path: [...path, k], depth: depth + 1 });
    }
  }
  return null;
}
