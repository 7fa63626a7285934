import { describe, expect, it } from 'vitest';
import { isVfleetError } from '../errors.js';
import { pciOfAddressElement } from './base-domain.js';
import { renderHostdevNetworkXml } from './render-network.js';
import type { HostdevNetworkRequest } from './domain-request.js';
import { parseXml } from './xml-parse.js';
import { attrOf, childElements, textOf, type XmlElement } from './xml-tree.js';

/** The value, or a failed test when it is missing. */
function must<T>(v: T | undefined): T {
  if (v === undefined) throw new Error('expected a value');
  return v;
}

const forwardOf = (xml: string): XmlElement => {
  const doc = parseXml(xml, 'out');
  expect(doc.name).toBe('network');
  const forward = childElements(doc, 'forward')[0];
  if (forward === undefined) throw new Error('no <forward>');
  expect([attrOf(forward, 'mode'), attrOf(forward, 'managed')]).toEqual(['hostdev', 'yes']);
  expect(attrOf(must(childElements(forward, 'driver')[0]), 'name')).toBe('vfio');
  return forward;
};

describe('hostdev network (VF pool)', () => {
  it('over one PF', () => {
    const xml = renderHostdevNetworkXml({ name: 'vfleet-physnet1', pfIfname: 'ens1f0' });
    expect(textOf(must(childElements(parseXml(xml, 'out'), 'name')[0]))).toBe('vfleet-physnet1');
    const pfs = childElements(forwardOf(xml), 'pf');
    expect(pfs.map((p) => attrOf(p, 'dev'))).toEqual(['ens1f0']);
  });

  it('as an explicit VF list, in the given order, normalised', () => {
    const xml = renderHostdevNetworkXml({ name: 'p', vfAddresses: ['3b:02.1', '0000:D8:0A.7'] });
    const addresses = childElements(forwardOf(xml), 'address');
    expect(addresses.map((a) => pciOfAddressElement(a))).toEqual(['0000:3b:02.1', '0000:d8:0a.7']);
    expect(addresses.every((a) => attrOf(a, 'type') === 'pci')).toBe(true);
  });

  const refused: [string, HostdevNetworkRequest, string][] = [
    ['neither PF nor list', { name: 'p' }, 'pfIfname'],
    ['both PF and list', { name: 'p', pfIfname: 'ens1f0', vfAddresses: ['3b:02.1'] }, 'pfIfname'],
    ['an empty list', { name: 'p', vfAddresses: [] }, 'vfAddresses'],
    ['a bad address', { name: 'p', vfAddresses: ['3b:02.1', 'nope'] }, 'vfAddresses[1]'],
    [
      'a repeated address',
      { name: 'p', vfAddresses: ['3b:02.1', '0000:3b:02.1'] },
      'vfAddresses[1]',
    ],
    ['a bad PF name', { name: 'p', pfIfname: 'a very long interface name' }, 'pfIfname'],
    ['a name with a slash', { name: 'a/b', pfIfname: 'ens1f0' }, 'name'],
  ];
  for (const [label, n, field] of refused) {
    it(`refuses ${label}`, () => {
      let caught: unknown;
      try {
        renderHostdevNetworkXml(n);
      } catch (e) {
        caught = e;
      }
      expect(isVfleetError(caught) && caught.code === 'INVALID_INPUT' && caught.details.field).toBe(
        field,
      );
    });
  }
});
