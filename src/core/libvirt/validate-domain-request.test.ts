import { describe, expect, it } from 'vitest';
import { renderDeviceXml, renderDomainXml } from './render-domain.js';
import { validateDomainRequest } from './validate-domain-request.js';
import type { DomainRequest } from './domain-request.js';
import {
  exampleDirect,
  exampleInstance,
  exampleMacvtap,
  exampleVdpa,
  exampleVf,
  refusal,
  refusedFields,
  withPorts,
} from './domain-request-examples.js';

const fields = refusedFields;
const ports = withPorts;

describe('refused before rendering', () => {
  it('is INVALID_INPUT naming the field, and renderDomainXml refuses the same way', () => {
    const w = ports(exampleVdpa({ vf: { ...exampleVdpa().vf, vdpaDevice: null } }));
    const e = refusal(w);
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.details.field).toBe('ports[0].vf.vdpaDevice');
    expect(e.message).toContain('ports[0].vf.vdpaDevice');
    expect(() => renderDomainXml(w)).toThrow(e.message);
    expect(() => renderDeviceXml(w, 'p-vdpa')).toThrow(e.message);
  });

  const cases: [string, DomainRequest, string][] = [
    ['a name with a slash', exampleInstance({ name: 'a/b' }), 'name'],
    ['a name virsh would read as an id', exampleInstance({ name: '42' }), 'name'],
    ['a name with a control character', exampleInstance({ name: 'a\u0007b' }), 'name'],
    ['a malformed uuid', exampleInstance({ uuid: 'not-a-uuid' }), 'uuid'],
    ['no vCPU', exampleInstance({ vcpus: 0 }), 'vcpus'],
    ['no memory', exampleInstance({ memoryMb: 0 }), 'memoryMb'],
    ['pinned CPUs not one per vCPU', exampleInstance({ pinnedCpus: [0, 1] }), 'pinnedCpus'],
    [
      'a pinned CPU off the device node',
      exampleInstance({ pinnedCpus: [0, 1, 2, 8] }),
      'pinnedCpus[3]',
    ],
    ['a CPU pinned twice', exampleInstance({ pinnedCpus: [0, 1, 1, 2] }), 'pinnedCpus[2]'],
    [
      'a relative disk image',
      exampleInstance({ base: { kind: 'template', diskImage: 'vm.qcow2' } }),
      'base.diskImage',
    ],
    [
      'a base XML that is not XML',
      exampleInstance({ base: { kind: 'xml', xml: '<domain><name>x</domain>' } }),
      'base.xml',
    ],
    [
      'a base XML with a DOCTYPE',
      exampleInstance({ base: { kind: 'xml', xml: '<!DOCTYPE d [<!ENTITY x "y">]><domain/>' } }),
      'base.xml',
    ],
    [
      'a base XML that is a network',
      exampleInstance({ base: { kind: 'xml', xml: '<network><name>n</name></network>' } }),
      'base.xml',
    ],
    [
      'a base XML already using the MAC',
      exampleInstance({
        base: {
          kind: 'xml',
          xml: `<domain><devices><interface type="network"><mac address="${exampleDirect().mac.toUpperCase()}"/></interface></devices></domain>`,
        },
      }),
      'base.xml',
    ],
    [
      'a base XML already assigning the VF',
      exampleInstance({
        base: {
          kind: 'xml',
          xml: '<domain><devices><hostdev mode="subsystem" type="pci"><source><address domain="0x0000" bus="0x3b" slot="0x02" function="0x1"/></source></hostdev></devices></domain>',
        },
      }),
      'base.xml',
    ],
    [
      'a base XML with guest NUMA cells',
      exampleInstance({
        base: {
          kind: 'xml',
          xml: '<domain><cpu><numa><cell id="0" cpus="0-3" memory="4" unit="GiB"/></numa></cpu></domain>',
        },
      }),
      'base.xml',
    ],
  ];
  for (const [label, request, field] of cases) {
    it(`refuses ${label} (${field})`, () => {
      expect(fields(request)[0]).toBe(field);
    });
  }

  it('lists every problem, not only the first', () => {
    const w = exampleInstance({
      name: '',
      vcpus: 0,
      ports: [exampleDirect({ mac: 'x', vlan: 5000 })],
    });
    const e = refusal(w);
    expect(fields(w)).toEqual(['name', 'vcpus', 'ports[0].mac', 'ports[0].vlan']);
    expect(e.message).toBe(
      'instance domain request: name: must be a non-empty string (and 3 more problem(s))',
    );
  });
});

describe('accepted', () => {
  const ok: [string, DomainRequest][] = [
    ['the example', exampleInstance()],
    [
      'legacy with a device without node',
      exampleInstance({
        numaPolicy: 'legacy',
        ports: [exampleDirect({ vf: exampleVf({ numaNode: null }) }), exampleMacvtap()],
      }),
    ],
    [
      'preferred with devices on two nodes',
      exampleInstance({
        numaPolicy: 'preferred',
        ports: [exampleDirect(), exampleMacvtap({ vf: { ...exampleMacvtap().vf, numaNode: 3 } })],
      }),
    ],
    [
      'socket with devices on two nodes of one socket',
      exampleInstance({
        numaPolicy: 'socket',
        ports: [exampleDirect(), exampleMacvtap({ vf: { ...exampleMacvtap().vf, numaNode: 1 } })],
      }),
    ],
    [
      'a direct port on a VF still bound to its kernel driver (libvirt rebinds it)',
      ports(exampleDirect({ vf: exampleVf({ driverKind: 'kernel', netdev: 'ens1f0v1' }) })),
    ],
    ['a name with quotes, ampersand and spaces', exampleInstance({ name: `it's "a" & b` })],
    ['no ports at all', ports()],
  ];
  for (const [label, request] of ok) {
    it(label, () => {
      expect(() => {
        validateDomainRequest(request);
      }).not.toThrow();
    });
  }
});
