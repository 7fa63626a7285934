import { VfleetError } from '../errors.js';

/**
 * A state that does not fit the host. Planning collects every problem before
 * failing, so one run names them all and nothing is applied half-way.
 */
export interface PlanProblem {
  readonly code: 'INVALID_INPUT' | 'NOT_FOUND';
  /** Dotted path into the state file (`pfs[0].numVfs`). */
  readonly field: string;
  readonly reason: string;
}

/** `pfs[3].numVfs` -> 3: problems are reported in the order of the state file. */
const entryOf = (field: string): number => Number(/^pfs\[(\d+)\]/.exec(field)?.[1] ?? -1);

export function throwIfProblems(unordered: readonly PlanProblem[]): void {
  const problems = [...unordered].sort((a, b) => entryOf(a.field) - entryOf(b.field));
  const first = problems[0];
  if (first === undefined) return;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem(s))` : '';
  throw new VfleetError(first.code, `state: ${first.field}: ${first.reason}${more}`, {
    field: first.field,
    problems: problems.map((p) => ({ field: p.field, reason: p.reason, code: p.code })),
  });
}
