/**
 * C0 and C1 control characters (ESC among them) and DEL: what a terminal
 * acts on instead of showing. Text from agents and API users must never
 * reach a terminal with them raw: a label or message could move the cursor,
 * retitle the window or hide what is printed after it.
 */
// The ranges as regex source, so every check here and input-text.ts's are built from the same ones.
const C0 = '\\u0000-\\u001f';
const DEL = '\\u007f';
const C1 = '\\u0080-\\u009f';

/** C0 and DEL, not C1: what input-text.ts refuses in ids, names and query values. */
export const C0_OR_DEL = new RegExp(`[${C0}${DEL}]`);
const CONTROL = new RegExp(`[${C0}${DEL}${C1}]`);
const CONTROL_ALL = new RegExp(CONTROL.source, 'g');
const RAW_C1 = new RegExp(`[${DEL}${C1}]`, 'g');

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const hex = (c: string) => c.charCodeAt(0).toString(16).padStart(2, '0');

export const hasControlChars = (s: string): boolean => CONTROL.test(s);

/**
 * Each control character as visible text: ESC as `\x1b`, a newline as `\n`.
 * With `keepNewlines`, text made of lines (an error with a list under it)
 * keeps its newlines.
 */
export const escapeControlChars = (s: string, keepNewlines = false): string =>
  s.replace(CONTROL_ALL, (c) => (keepNewlines && c === '\n' ? c : (NAMED[c] ?? `\\x${hex(c)}`)));

/**
 * JSON or YAML text with DEL and C1 characters written as escapes: the same
 * value (JSON.stringify and the yaml library leave them raw, and a terminal
 * may act on them), C0 being escaped by both already. In JSON they can only
 * stand in strings; the yaml library double-quotes every string holding one,
 * where `\xNN` is an escape too.
 */
export const escapeC1 = (text: string, format: 'json' | 'yaml'): string =>
  text.replace(RAW_C1, (c) => (format === 'json' ? `\\u00${hex(c)}` : `\\x${hex(c)}`));
