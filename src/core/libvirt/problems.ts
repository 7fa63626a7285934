import { VfleetError } from '../errors.js';

export interface Problem {
  readonly field: string;
  readonly reason: string;
}

/**
 * Collects every problem of an input before failing, so a caller fixes all
 * of them at once; the error has the same shape as `parseInput`'s.
 */
export class Problems {
  readonly list: Problem[] = [];

  add(field: string, reason: string): void {
    this.list.push({ field, reason });
  }

  get count(): number {
    return this.list.length;
  }

  throwIfAny(what: string): void {
    const first = this.list[0];
    if (first === undefined) return;
    const more = this.list.length > 1 ? ` (and ${this.list.length - 1} more problem(s))` : '';
    throw new VfleetError('INVALID_INPUT', `${what}: ${first.field}: ${first.reason}${more}`, {
      field: first.field,
      problems: this.list,
    });
  }
}
