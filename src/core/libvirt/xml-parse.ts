import { DOMParser } from '@xmldom/xmldom';
import { VfleetError } from '../errors.js';
import type { XmlElement, XmlNode } from './xml-tree.js';

/** A base domain XML larger than this is not a domain definition. */
export const MAX_XML_BYTES = 1024 * 1024;

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;
const COMMENT_NODE = 8;

interface DomNodeLike {
  readonly nodeType: number;
  readonly nodeName: string;
  readonly nodeValue: string | null;
  readonly childNodes: ArrayLike<DomNodeLike>;
  readonly attributes?: ArrayLike<{ readonly name: string; readonly value: string }>;
}

function convert(node: DomNodeLike): XmlElement {
  const attrs: (readonly [string, string])[] = [];
  for (const a of Array.from(node.attributes ?? [])) attrs.push([a.name, a.value]);
  const children: XmlNode[] = [];
  for (const c of Array.from(node.childNodes)) {
    if (c.nodeType === ELEMENT_NODE) children.push(convert(c));
    else if (c.nodeType === TEXT_NODE || c.nodeType === CDATA_SECTION_NODE) {
      children.push({ kind: 'text', text: c.nodeValue ?? '' });
    } else if (c.nodeType === COMMENT_NODE)
      children.push({ kind: 'comment', text: c.nodeValue ?? '' });
    // Processing instructions carry nothing libvirt reads; they are dropped.
  }
  // Indentation between child elements is layout, not content: the serializer re-indents.
  const hasElement = children.some((c) => c.kind === 'element');
  const layoutOnly = children.every((c) => c.kind !== 'text' || c.text.trim() === '');
  const kept = hasElement && layoutOnly ? children.filter((c) => c.kind !== 'text') : children;
  return { kind: 'element', name: node.nodeName, attrs, children: kept };
}

/**
 * Parses a user's XML document. Anything not well-formed, and any DOCTYPE
 * (entity tricks have no place in a domain definition), is INVALID_INPUT
 * naming `field`.
 */
export function parseXml(text: string, field: string): XmlElement {
  const refuse = (reason: string): never => {
    throw new VfleetError('INVALID_INPUT', `${field}: ${reason}`, {
      field,
      problems: [{ field, reason }],
    });
  };
  if (text.length > MAX_XML_BYTES) refuse(`larger than ${MAX_XML_BYTES} bytes`);
  if (/<!DOCTYPE/i.test(text)) refuse('a DOCTYPE is not accepted');
  const errors: string[] = [];
  let root: DomNodeLike | null = null;
  try {
    const doc = new DOMParser({
      onError: (level, msg) => {
        if (level !== 'warning') errors.push(msg);
      },
    }).parseFromString(text, 'text/xml');
    root = doc.documentElement;
  } catch (e) {
    errors.push(e instanceof Error ? e.message : String(e));
  }
  if (errors.length > 0 || root === null) {
    const first = (errors[0] ?? 'no root element').split('\n')[0] ?? '';
    return refuse(`not well-formed XML: ${first.replace(/^\[xmldom [a-zA-Z]+\]\s*/, '')}`);
  }
  return convert(root);
}
