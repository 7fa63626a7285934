import { stringify } from 'yaml';
import type { OutputFormat } from '../core/vocabulary.js';
import { OUTPUT_FORMATS, isOneOf } from '../core/vocabulary.js';
import { VfleetError } from '../core/errors.js';
import { escapeC1, escapeControlChars } from '../core/control-chars.js';

export function parseOutputFormat(value: string): OutputFormat {
  if (isOneOf(OUTPUT_FORMATS, value)) return value;
  throw new VfleetError(
    'INVALID_INPUT',
    `-o/--output: "${value}" is not one of ${OUTPUT_FORMATS.join(', ')}`,
    {
      field: 'output',
    },
  );
}

/** JSON and YAML render the same value, so scripts can use either; no control character is raw. */
export function renderData(format: 'json' | 'yaml', value: unknown): string {
  return escapeC1(
    format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : stringify(value, { lineWidth: 0 }),
    format,
  );
}

export type Cell = string | number | boolean | null | undefined;

const cellText = (c: Cell): string =>
  c === null || c === undefined || c === ''
    ? '-'
    : typeof c === 'boolean'
      ? c
        ? 'on'
        : 'off'
      : // Text from agents and users: shown, never acted on by the terminal.
        escapeControlChars(String(c));

/** A kubectl-style table: upper-case headers, columns padded, no borders. */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly Cell[])[],
  indent = '',
): string {
  const text = rows.map((r) => r.map(cellText));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    indent +
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers.map((h) => h.toUpperCase())), ...text.map(line)].join('\n') + '\n';
}
