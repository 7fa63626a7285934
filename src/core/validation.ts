import type { z } from 'zod';
import { VfleetError } from './errors.js';

/** `pfs[0].vfs[2].vlan` from a zod issue path. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

/**
 * Validates input at the boundary. Fails with INVALID_INPUT naming the first
 * field at fault and listing every problem, so nothing half-valid goes on.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  data: unknown,
  what: string,
): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => ({
    field: fieldPath(i.path),
    reason: i.message,
  }));
  const first = problems[0] ?? { field: '(root)', reason: 'invalid' };
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem(s))` : '';
  throw new VfleetError('INVALID_INPUT', `${what}: ${first.field}: ${first.reason}${more}`, {
    field: first.field,
    problems,
  });
}
