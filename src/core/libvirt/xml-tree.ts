import { VfleetError } from '../errors.js';

/**
 * A minimal XML tree: what the renderers build and what a user's base domain
 * XML is parsed into, so one serializer does every escape. Values that come
 * from users (names, paths) only ever reach the output through it.
 */
export interface XmlElement {
  readonly kind: 'element';
  /** Qualified name as written (`qemu:commandline` keeps its prefix). */
  readonly name: string;
  readonly attrs: readonly (readonly [string, string])[];
  readonly children: readonly XmlNode[];
}

export interface XmlText {
  readonly kind: 'text';
  readonly text: string;
}

export interface XmlComment {
  readonly kind: 'comment';
  readonly text: string;
}

export type XmlNode = XmlElement | XmlText | XmlComment;

type AttrInput = Readonly<Record<string, string | number | undefined>>;
type ChildInput = XmlNode | string | number | null | undefined | false;

/** Builds an element; undefined attributes and null/false children are left out. */
export function el(
  name: string,
  attrs: AttrInput = {},
  children: readonly ChildInput[] = [],
): XmlElement {
  const a: (readonly [string, string])[] = [];
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) a.push([k, String(v)]);
  const c: XmlNode[] = [];
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    c.push(typeof child === 'object' ? child : { kind: 'text', text: String(child) });
  }
  return { kind: 'element', name, attrs: a, children: c };
}

export const attrOf = (e: XmlElement, name: string): string | undefined =>
  e.attrs.find(([k]) => k === name)?.[1];

export const childElements = (e: XmlElement, name?: string): XmlElement[] =>
  e.children.filter(
    (c): c is XmlElement => c.kind === 'element' && (name === undefined || c.name === name),
  );

export const textOf = (e: XmlElement): string =>
  e.children
    .map((c) => (c.kind === 'text' ? c.text : c.kind === 'element' ? textOf(c) : ''))
    .join('');

/** Characters XML 1.0 cannot carry at all, escaped or not. */
const NOT_XML_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

export const hasNonXmlChar = (s: string): boolean => NOT_XML_CHAR.test(s);

function checked(s: string): string {
  // Validation refuses these first; this is the last line of defence.
  if (NOT_XML_CHAR.test(s)) {
    throw new VfleetError('INVALID_INPUT', 'text contains a character XML cannot carry', {
      field: '(xml)',
    });
  }
  return s;
}

export const escapeText = (s: string): string =>
  checked(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Attribute values also escape quotes and the whitespace that parsers would normalise away. */
export const escapeAttr = (s: string): string =>
  escapeText(s)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');

const NAME_RE = /^[\p{L}_:][\p{L}\p{N}_.:\-\u00B7]*$/u;

function checkName(name: string): string {
  if (!NAME_RE.test(name)) {
    throw new VfleetError('INTERNAL', `not an XML name: ${JSON.stringify(name)}`);
  }
  return name;
}

function serializeNode(node: XmlNode, indent: string, out: string[]): void {
  if (node.kind === 'text') {
    out.push(escapeText(node.text));
    return;
  }
  if (node.kind === 'comment') {
    out.push(`<!--${checked(node.text).replace(/--/g, '- -').replace(/-$/, '- ')}-->`);
    return;
  }
  const attrs = node.attrs.map(([k, v]) => ` ${checkName(k)}="${escapeAttr(v)}"`).join('');
  const open = `<${checkName(node.name)}${attrs}`;
  if (node.children.length === 0) {
    out.push(`${open}/>`);
    return;
  }
  out.push(`${open}>`);
  // Mixed or text content is written exactly; element-only content is indented.
  const elementOnly = node.children.every((c) => c.kind !== 'text');
  const inner = `${indent}  `;
  for (const child of node.children) {
    if (elementOnly) out.push(`\n${inner}`);
    serializeNode(child, inner, out);
  }
  if (elementOnly) out.push(`\n${indent}`);
  out.push(`</${node.name}>`);
}

/** The document as text, two-space indented, ending with a newline; no XML declaration. */
export function serializeXml(root: XmlElement): string {
  const out: string[] = [];
  serializeNode(root, '', out);
  return `${out.join('')}\n`;
}
