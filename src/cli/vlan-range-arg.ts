import { VfleetError } from '../core/errors.js';

/**
 * `--vlan-range` values (repeatable) as ranges: each `MIN-MAX` or `V`, or a
 * comma list of them (`100-199,300`); `none` stands for no range at all.
 */
export function parseVlanRanges(values: readonly string[]): { min: number; max: number }[] {
  return values.flatMap((value) =>
    value.trim() === 'none' ? [] : value.split(',').map((part) => parseRange(part, value)),
  );
}

function parseRange(part: string, value: string): { min: number; max: number } {
  const m = /^(\d{1,4})(?:-(\d{1,4}))?$/.exec(part.trim());
  if (m?.[1] === undefined)
    throw new VfleetError(
      'INVALID_INPUT',
      `--vlan-range: "${value}" is not MIN-MAX like 100-199 (or a comma list of them)`,
      { field: 'vlan-range' },
    );
  return { min: Number(m[1]), max: Number(m[2] ?? m[1]) };
}
