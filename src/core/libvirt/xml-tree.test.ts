import { describe, expect, it } from 'vitest';
import { formatCpuList } from './cpu-list.js';
import { parseXml } from './xml-parse.js';
import { el, serializeXml, textOf } from './xml-tree.js';

describe('serializeXml', () => {
  const hostile = `a&b<c>d"e'f\tg\nh`;

  it('escapes attribute values so a parser reads back exactly what was given', () => {
    const out = serializeXml(el('source', { file: hostile }));
    expect(out).toBe('<source file="a&amp;b&lt;c&gt;d&quot;e&apos;f&#9;g&#10;h"/>\n');
    expect(parseXml(out, 'x').attrs).toEqual([['file', hostile]]);
  });

  it('escapes text so markup in a name stays text', () => {
    const out = serializeXml(el('name', {}, ['</name><evil/>']));
    expect(out).toBe('<name>&lt;/name&gt;&lt;evil/&gt;</name>\n');
    expect(textOf(parseXml(out, 'x'))).toBe('</name><evil/>');
  });

  it('refuses characters XML cannot carry', () => {
    expect(() => serializeXml(el('name', {}, ['a\u0000b']))).toThrow(/character XML cannot carry/);
    expect(() => serializeXml(el('name', { x: '\u001b[31m' }))).toThrow(
      /character XML cannot carry/,
    );
  });

  it('indents element-only content and leaves text content exactly as is', () => {
    const out = serializeXml(el('a', {}, [el('b', { k: 1 }), el('c', {}, ['  t  '])]));
    expect(out).toBe('<a>\n  <b k="1"/>\n  <c>  t  </c>\n</a>\n');
  });

  it('skips undefined attributes and null or false children', () => {
    expect(serializeXml(el('a', { x: undefined, y: 0 }, [null, false, undefined]))).toBe(
      '<a y="0"/>\n',
    );
  });
});

describe('parseXml', () => {
  it('drops layout whitespace between elements but keeps comments and text', () => {
    const doc = parseXml('<a>\n  <!-- c -->\n  <b>  x  </b>\n</a>', 'f');
    expect(doc.children.map((c) => c.kind)).toEqual(['comment', 'element']);
    expect(textOf(doc)).toBe('  x  ');
  });

  it('refuses what is not well-formed, naming the field', () => {
    expect(() => parseXml('<a><b></a>', 'base.xml')).toThrow(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        details: expect.objectContaining({ field: 'base.xml' }) as unknown,
      }) as Error,
    );
    expect(() => parseXml('', 'f')).toThrow(/not well-formed/);
  });

  it('refuses a DOCTYPE (no entity expansion of any kind)', () => {
    expect(() =>
      parseXml('<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>', 'f'),
    ).toThrow(/DOCTYPE/);
  });
});

describe('formatCpuList', () => {
  it('writes ranges the way libvirt cpuset and nodeset read them', () => {
    expect(formatCpuList([19, 0, 1, 2, 3, 8, 16, 17, 18, 3])).toBe('0-3,8,16-19');
    expect(formatCpuList([5])).toBe('5');
    expect(formatCpuList([])).toBe('');
  });
});
