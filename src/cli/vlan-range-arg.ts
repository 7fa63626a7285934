import { VfleetError } from '../core/errors.js';
import { VLAN_MAX, VLAN_MIN } from '../core/fleet/vlan-ranges.js';

/** The range every VLAN option quotes, the API's own. */
const RANGE = `${VLAN_MIN}-${VLAN_MAX}`;

const isVlan = (text: string): boolean =>
  /^\d{1,4}$/.test(text) && Number(text) >= VLAN_MIN && Number(text) <= VLAN_MAX;

/** A `--vlan`-like option: one VLAN id, named in the error with the API's range. */
export const vlanIdArg =
  (field = 'vlan') =>
  (value: string): number => {
    if (!isVlan(value.trim()))
      throw new VfleetError('INVALID_INPUT', `--${field}: "${value}" is not a VLAN id (${RANGE})`, {
        field,
      });
    return Number(value.trim());
  };

/**
 * `--vlan-range` values (repeatable) as ranges: each `MIN-MAX` or `V`, or a
 * comma list of them (`100-199,300`); `none` stands for no range at all.
 */
export function parseVlanRanges(values: readonly string[]): { min: number; max: number }[] {
  return values.flatMap((value) =>
    value.trim() === 'none' ? [] : value.split(',').map((part) => parseRange(part, value)),
  );
}

/** Commander collector for `--vlan-range`: each value is checked as it is read, before any request. */
export const collectVlanRange = (value: string, previous: string[] = []): string[] => {
  parseVlanRanges([value]);
  return [...previous, value];
};

function parseRange(part: string, value: string): { min: number; max: number } {
  const [min = '', max = min, ...extra] = part.trim().split('-');
  if (!isVlan(min) || !isVlan(max) || extra.length > 0)
    throw new VfleetError(
      'INVALID_INPUT',
      `--vlan-range: "${value}" is not MIN-MAX of VLAN ids (${RANGE}) like 100-199 (or a comma list of them)`,
      { field: 'vlan-range' },
    );
  return { min: Number(min), max: Number(max) };
}
