/**
 * C0 and C1 control characters (ESC among them) and DEL: what a terminal
 * acts on instead of showing. Text from agents and API users must never
 * reach a terminal with them raw: a label or message could move the cursor,
 * retitle the window or hide what is printed after it.
 */
// eslint-disable-next-line no-control-regex -- matching them is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex -- matching them is the point
const CONTROL_ALL = /[\u0000-\u001f\u007f-\u009f]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export const hasControlChars = (s: string): boolean => CONTROL.test(s);

/** Each control character as visible text: ESC as `\x1b`, a newline as `\n`. */
export const escapeControlChars = (s: string): string =>
  s.replace(CONTROL_ALL, (c) => NAMED[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
