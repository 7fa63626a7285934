import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifySearch, macOf } from './search-query.js';

const octets = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 6, maxLength: 6 });
const hex2 = (n: number) => n.toString(16).padStart(2, '0');
/** Randomly upper-cases some characters. */
const mixCase = (s: string, upper: readonly boolean[]) =>
  Array.from(s, (ch, i) => (upper[i % upper.length] === true ? ch.toUpperCase() : ch)).join('');

describe('search query', () => {
  it('takes every spelling of a MAC as the stored form', () => {
    fc.assert(
      fc.property(
        octets,
        fc.constantFrom('colon', 'dash', 'dots', 'bare'),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 17 }),
        fc.constantFrom('', ' ', '\t'),
        (bytes, style, upper, pad) => {
          const stored = bytes.map(hex2).join(':');
          const hex = bytes.map(hex2).join('');
          const spelt =
            style === 'colon'
              ? stored
              : style === 'dash'
                ? bytes.map(hex2).join('-')
                : style === 'dots'
                  ? (hex.match(/..../g) ?? []).join('.')
                  : hex;
          const text = `${pad}${mixCase(spelt, upper)}${pad}`;
          expect(macOf(text)).toBe(stored);
          expect(classifySearch(text)).toEqual({ kind: 'mac', mac: stored });
        },
      ),
    );
  });

  it('refuses what only looks like a MAC', () => {
    for (const t of [
      'fa:16:3e:00:00',
      'fa:16:3e:00:00:01:02',
      'fa:16-3e:00:00:01',
      'fa:16:3e:00:00:0g',
      'fa16.3e00.001',
      'fa163e00000',
    ])
      expect(macOf(t), t).toBeNull();
  });

  it('takes full and short PCI addresses as the full lower-case form', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 31 }),
        fc.integer({ min: 0, max: 7 }),
        fc.boolean(),
        fc.boolean(),
        (bus, slot, fn, short, upper) => {
          const full = `0000:${hex2(bus)}:${hex2(slot)}.${fn}`;
          const text = short ? full.slice(5) : full;
          expect(classifySearch(upper ? text.toUpperCase() : text)).toEqual({
            kind: 'pci',
            pciAddress: full,
          });
        },
      ),
    );
  });

  it('takes 1-4094 as a VLAN and anything else as text, in lower case', () => {
    expect(classifySearch('100')).toEqual({ kind: 'vlan', vlan: 100 });
    expect(classifySearch(' 4094 ')).toEqual({ kind: 'vlan', vlan: 4094 });
    expect(classifySearch('1')).toEqual({ kind: 'vlan', vlan: 1 });
    for (const t of ['0', '4095', '12345', '-1', '1.5'])
      expect(classifySearch(t), t).toEqual({ kind: 'text', text: t });
    expect(classifySearch('  VM-Web1 ')).toEqual({ kind: 'text', text: 'vm-web1' });
    // A PCI slot is 0-1f: 3b:20.1 is no address.
    expect(classifySearch('3b:20.1')).toEqual({ kind: 'text', text: '3b:20.1' });
  });
});
