import { describe, expect, it } from 'vitest';
import type { DomainRequest } from './domain-request.js';
import {
  EXAMPLE_HOST_NUMA,
  exampleDirect,
  exampleInstance,
  exampleMacvtap,
  exampleNormal,
  examplePhysical,
  exampleVdpa,
  exampleVf,
  refusal,
  refusedFields,
  withPorts,
} from './domain-request-examples.js';

const fields = refusedFields;
const ports = withPorts;

describe('port combinations refused before rendering', () => {
  const cases: [string, DomainRequest, string][] = [
    [
      'vdpa with a path that is not vhost-vdpa',
      ports(exampleVdpa({ vf: { ...exampleVdpa().vf, vdpaDevice: '/dev/sda' } })),
      'ports[0].vf.vdpaDevice',
    ],
    [
      'vdpa on a vfio-bound VF',
      ports(exampleVdpa({ vf: { ...exampleVdpa().vf, driverKind: 'vfio' } })),
      'ports[0].vf.driverKind',
    ],
    ['vdpa with a VLAN', ports(exampleVdpa({ vlan: 10 })), 'ports[0].vlan'],
    [
      'macvtap on a vfio-bound VF',
      ports(exampleMacvtap({ vf: exampleVf({ driverKind: 'vfio', netdev: null }) })),
      'ports[0].vf.driverKind',
    ],
    [
      'macvtap on a VF without netdev',
      ports(exampleMacvtap({ vf: exampleVf({ driverKind: 'kernel', netdev: null }) })),
      'ports[0].vf.netdev',
    ],
    [
      'macvtap on a bad netdev name',
      ports(exampleMacvtap({ vf: exampleVf({ driverKind: 'kernel', netdev: 'eth0; reboot' }) })),
      'ports[0].vf.netdev',
    ],
    [
      'direct without a VF address',
      ports(exampleDirect({ vf: exampleVf({ pciAddress: null }) })),
      'ports[0].vf.pciAddress',
    ],
    [
      'direct with a malformed address',
      ports(exampleDirect({ vf: exampleVf({ pciAddress: '3b:02' }) })),
      'ports[0].vf.pciAddress',
    ],
    [
      'direct on a VF held by another driver',
      ports(exampleDirect({ vf: exampleVf({ driverKind: 'other' }) })),
      'ports[0].vf.driverKind',
    ],
    [
      'two ports on one VF',
      ports(
        exampleDirect(),
        exampleDirect({
          id: 'b',
          mac: 'fa:16:3e:00:00:09',
          vf: exampleVf({ pciAddress: '3b:02.1' }),
        }),
      ),
      'ports[1].vf.pciAddress',
    ],
    [
      'direct-physical without an address',
      ports(examplePhysical({ pf: { ...examplePhysical().pf, pciAddress: null } })),
      'ports[0].pf.pciAddress',
    ],
    ['VLAN 4095', ports(exampleDirect({ vlan: 4095 })), 'ports[0].vlan'],
    ['VLAN -1', ports(exampleDirect({ vlan: -1 })), 'ports[0].vlan'],
    ['VLAN 1.5', ports(exampleDirect({ vlan: 1.5 })), 'ports[0].vlan'],
    ['a VLAN on a normal port', ports(exampleNormal({ vlan: 5 })), 'ports[0].vlan'],
    ['a malformed MAC', ports(exampleDirect({ mac: 'fa:16:3e:00:00' })), 'ports[0].mac'],
    ['a multicast MAC', ports(exampleDirect({ mac: '01:00:5e:00:00:01' })), 'ports[0].mac'],
    ['the zero MAC', ports(exampleDirect({ mac: '00:00:00:00:00:00' })), 'ports[0].mac'],
    [
      'one MAC on two ports',
      ports(exampleDirect(), exampleNormal({ mac: exampleDirect().mac })),
      'ports[1].mac',
    ],
    ['a port id libvirt cannot alias', ports(exampleDirect({ id: 'a b' })), 'ports[0].id'],
    [
      'one id on two ports',
      ports(exampleDirect(), exampleNormal({ id: 'p-direct' })),
      'ports[1].id',
    ],
    [
      'a bridge name that is no interface name',
      ports(exampleNormal({ source: { kind: 'bridge', bridge: 'br/0' } })),
      'ports[0].source.bridge',
    ],
    ['standby for no port', ports(exampleNormal({ standbyFor: 'ghost' })), 'ports[0].standbyFor'],
    [
      'standby for a macvtap port',
      ports(
        exampleMacvtap(),
        exampleNormal({ mac: exampleMacvtap().mac, standbyFor: 'p-macvtap' }),
      ),
      'ports[1].standbyFor',
    ],
    [
      'standby with another MAC',
      ports(exampleDirect(), exampleNormal({ standbyFor: 'p-direct' })),
      'ports[1].mac',
    ],
    [
      'two standbys for one port',
      ports(
        exampleDirect(),
        exampleNormal({ id: 's1', mac: exampleDirect().mac, standbyFor: 'p-direct' }),
        exampleNormal({ id: 's2', mac: exampleDirect().mac, standbyFor: 'p-direct' }),
      ),
      'ports[2].standbyFor',
    ],
    [
      'required with devices on two nodes',
      ports(exampleDirect(), exampleMacvtap({ vf: { ...exampleMacvtap().vf, numaNode: 2 } })),
      'ports[1].vf.numaNode',
    ],
    [
      'required with a device without node',
      ports(exampleDirect({ vf: exampleVf({ numaNode: null }) })),
      'ports[0].vf.numaNode',
    ],
    [
      'legacy with devices on two nodes',
      exampleInstance({
        numaPolicy: 'legacy',
        ports: [exampleDirect(), examplePhysical({ pf: { ...examplePhysical().pf, numaNode: 3 } })],
      }),
      'ports[1].pf.numaNode',
    ],
    [
      'socket with devices on two sockets',
      exampleInstance({
        numaPolicy: 'socket',
        ports: [exampleDirect(), exampleMacvtap({ vf: { ...exampleMacvtap().vf, numaNode: 2 } })],
      }),
      'ports[1].vf.numaNode',
    ],
    [
      'socket on a node of unknown socket',
      exampleInstance({
        numaPolicy: 'socket',
        hostNuma: EXAMPLE_HOST_NUMA.map((h) => ({ ...h, socket: null })),
      }),
      'hostNuma[0].socket',
    ],
    [
      'a device node the host does not list',
      ports(exampleDirect({ vf: exampleVf({ numaNode: 7 }) })),
      'hostNuma',
    ],
  ];
  for (const [label, request, field] of cases) {
    it(`refuses ${label} (${field})`, () => {
      expect(fields(request)[0]).toBe(field);
    });
  }

  it('says what to do with a VF another driver holds', () => {
    const e = refusal(ports(exampleDirect({ vf: exampleVf({ driverKind: 'other' }) })));
    expect(e.message).toBe(
      'instance domain request: ports[0].vf.driverKind: the VF is held by another driver; release it before giving it to a VM',
    );
  });
});
