/**
 * Text and numbers as they go into a chart's SVG. Path names and titles are
 * data from operators, so every one is escaped; numbers are written with a
 * fixed precision so the same input gives the same bytes.
 */

// Characters XML 1.0 forbids even escaped (C0 but tab/newline/return, lone
// surrogates, U+FFFE/U+FFFF): one of them would make the whole file unreadable.
// Built from source text, as control-chars.ts does, since a control range in a
// regex literal reads as a mistake to the lint.
const C0_NOT_XML = '\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f';
const NOT_XML = new RegExp(
  `[${C0_NOT_XML}\\ufffe\\uffff]|[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]`,
  'g',
);

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Text safe both as element content and inside an attribute value in either quotes. */
export const escapeXml = (text: string): string =>
  text.replace(NOT_XML, '\ufffd').replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

/**
 * A coordinate with two decimals at most: sub-pixel enough, and free of the
 * float noise (`0.30000000000000004`) that bloats the file and makes
 * a diff of two reports noisy. Never `-0`.
 */
export function coord(n: number): string {
  const r = Math.round(n * 100) / 100;
  return r === 0 ? '0' : String(r);
}

// Without font metrics in pure code, an average glyph is taken as 0.6 em
// (close for sans-serif digits and lowercase); the estimate only decides
// where text would overflow its box.
export const textWidth = (text: string, fontSize: number): number =>
  Array.from(text).length * fontSize * 0.6;

/**
 * Text cut to fit `maxWidth` with an ellipsis, by code points so a cut never
 * splits a surrogate pair. The full text stays in the chart's description.
 */
export function fitText(text: string, maxWidth: number, fontSize: number): string {
  const chars = Array.from(text);
  const fits = Math.max(1, Math.floor(maxWidth / (fontSize * 0.6)));
  return chars.length <= fits ? text : `${chars.slice(0, Math.max(0, fits - 1)).join('')}…`;
}
