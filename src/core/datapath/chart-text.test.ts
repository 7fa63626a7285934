import { describe, expect, it } from 'vitest';
import { coord, escapeXml, fitText } from './chart-text.js';

describe('escapeXml', () => {
  it('escapes the five XML specials, & first so nothing is escaped twice', () => {
    expect(escapeXml(`vf <&"'> &amp;`)).toBe('vf &lt;&amp;&quot;&apos;&gt; &amp;amp;');
  });

  it('replaces what XML 1.0 cannot hold at all, keeps tab, newline and pairs', () => {
    expect(escapeXml('a\u0000b\u001bc\ufffe')).toBe('a\ufffdb\ufffdc\ufffd');
    expect(escapeXml('lone \ud800 and \udc00')).toBe('lone \ufffd and \ufffd');
    expect(escapeXml('tab\tline\n😀 µs')).toBe('tab\tline\n😀 µs');
  });
});

describe('coord', () => {
  it('writes at most two decimals and never -0', () => {
    expect(coord(0.1 + 0.2)).toBe('0.3');
    expect(coord(-0.001)).toBe('0');
    expect(coord(123.456)).toBe('123.46');
    expect(coord(40)).toBe('40');
  });
});

describe('fitText', () => {
  it('keeps text that fits and cuts the rest with an ellipsis on a code point', () => {
    expect(fitText('vf', 100, 10)).toBe('vf');
    const cut = fitText('😀😀😀😀😀😀😀😀', 30, 10);
    expect(cut).toBe('😀😀😀😀…');
    // No lone surrogate left by the cut: encodeURIComponent throws on one.
    expect(() => encodeURIComponent(cut)).not.toThrow();
  });
});
