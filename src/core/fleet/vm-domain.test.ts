import { describe, expect, it } from 'vitest';
import { VfleetError } from '../errors.js';
import { renderDomainXml } from '../libvirt/render-domain.js';
import type { ClaimedVf, DirectPort, NormalPort } from '../libvirt/domain-request.js';
import { parseXml } from '../libvirt/xml-parse.js';
import { attrOf, childElements, textOf, type XmlElement } from '../libvirt/xml-tree.js';
import {
  boot,
  FACTS,
  instanceView,
  portView,
  VM_ID as ID,
} from '../../testing/vm-domain-fixture.js';
import type { InstanceView } from './claim-store.js';
import type { PortView } from './catalog-store.js';
import { domainName, domainRequestOf, standbyId, vfAt, type VmBoot } from './vm-domain.js';

const vfFact = (address: string): ClaimedVf => {
  const vf = FACTS.vfs[address];
  if (vf === undefined) throw new Error(`no VF ${address} in the facts`);
  return vf;
};

const direct = (over: Partial<PortView> = {}) =>
  portView({ id: 'p-direct', vnicType: 'direct', pciAddress: '0000:3b:02.0', ...over });
const meta = (over: Partial<PortView> = {}) =>
  portView({ id: 'p-meta', vnicType: 'normal', mac: 'fa:16:3e:00:00:10', ...over });

const portsOf = (inst: InstanceView, b: VmBoot = boot(), vfFor?: ReadonlyMap<string, ClaimedVf>) =>
  domainRequestOf(inst, b, FACTS, vfFor).ports;

describe('domainName', () => {
  it('is the instance name with the start of its id', () => {
    expect(domainName({ name: 'web', id: ID })).toBe(`web-${ID.slice(0, 8)}`);
    expect(domainName({ name: 'web', id: ID })).toBe('web-4dea22b3');
  });

  it('differs for two instances of the same name', () => {
    const other = '9f0c1e77-0000-4000-8000-000000000001';
    expect(domainName({ name: 'web', id: ID })).not.toBe(domainName({ name: 'web', id: other }));
  });
});

describe('vfAt', () => {
  it('gives the VF as the host reported it, or one known by its address only', () => {
    const reported = vfFact('0000:3b:02.0');
    expect(vfAt(FACTS, '0000:3b:02.0')).toBe(reported);
    expect(vfAt(FACTS, '0000:3b:0f.7')).toMatchObject({
      pciAddress: '0000:3b:0f.7',
      driverKind: 'none',
      iommuGroup: null,
    });
    expect(vfAt(FACTS, null).pciAddress).toBeNull();
  });
});

describe('domainRequestOf: the instance', () => {
  it('takes name, uuid, size and policy from the instance, base from boot, NUMA from the facts', () => {
    const inst = instanceView([direct()], { vcpus: 6, memoryMb: 12288, numaPolicy: 'socket' });
    const b = boot();
    const w = domainRequestOf(inst, b, FACTS);
    expect(w.name).toBe(domainName(inst));
    expect(w.uuid).toBe(inst.id);
    expect([w.vcpus, w.memoryMb, w.numaPolicy]).toEqual([6, 12288, 'socket']);
    // The template takes the host's domain type: kvm when its agent says nothing of it.
    expect(w.base).toEqual({ ...b.base, virtType: 'kvm' });
    expect(w.hostNuma).toBe(FACTS.numa);
    expect(w.pinnedCpus).toBeUndefined();
  });

  it('gives the template the domain type the host offers: qemu where it has no KVM', () => {
    const inst = instanceView([direct()]);
    const noKvm = { ...FACTS, hypervisor: { ...FACTS.hypervisor, virtType: 'qemu' as const } };
    expect(domainRequestOf(inst, boot(), noKvm).base).toMatchObject({ virtType: 'qemu' });
    // A user's own XML says its own type.
    const xml: VmBoot = {
      ...boot(),
      base: { kind: 'xml', xml: "<domain type='kvm'><os><type>hvm</type></os></domain>" },
    };
    expect(domainRequestOf(inst, xml, noKvm).base).toBe(xml.base);
  });

  it('keeps the ports in the order the instance lists them', () => {
    const inst = instanceView([
      meta(),
      direct({ id: 'b', mac: 'fa:16:3e:00:00:02' }),
      direct({ id: 'a', mac: 'fa:16:3e:00:00:03', pciAddress: '0000:3b:02.1' }),
    ]);
    expect(portsOf(inst).map((p) => p.id)).toEqual(['p-meta', 'b', 'a']);
  });
});

describe('domainRequestOf: ports', () => {
  it("direct: the port's MAC and VLAN on its VF as the host reported it", () => {
    const p = direct({ mac: 'fa:16:3e:aa:bb:cc', vlan: 2401 });
    expect(portsOf(instanceView([p]))).toEqual([
      {
        id: 'p-direct',
        vnicType: 'direct',
        mac: 'fa:16:3e:aa:bb:cc',
        vlan: 2401,
        vf: vfFact('0000:3b:02.0'),
      },
    ]);
  });

  it('macvtap and vdpa: on their own VFs; a vdpa port is never tagged by libvirt', () => {
    const mac = portView({
      id: 'p-mv',
      vnicType: 'macvtap',
      mac: 'fa:16:3e:00:00:02',
      vlan: 100,
      pciAddress: '0000:3b:02.2',
    });
    const vdpa = portView({
      id: 'p-vdpa',
      vnicType: 'vdpa',
      mac: 'fa:16:3e:00:00:03',
      vlan: 300,
      pciAddress: '0000:5e:02.0',
    });
    expect(portsOf(instanceView([mac, vdpa]))).toEqual([
      {
        id: 'p-mv',
        vnicType: 'macvtap',
        mac: 'fa:16:3e:00:00:02',
        vlan: 100,
        vf: vfFact('0000:3b:02.2'),
      },
      {
        id: 'p-vdpa',
        vnicType: 'vdpa',
        mac: 'fa:16:3e:00:00:03',
        vlan: 0,
        vf: vfFact('0000:5e:02.0'),
      },
    ]);
    // The vdpa port's VLAN 300 is set on the VF by the agent (desired-host-state.ts), not by libvirt.
    // The macvtap VF is the one with a kernel netdev to sit on.
    expect(vfFact('0000:3b:02.2').netdev).toBe('ens1f0v2');
  });

  it('normal: on the bridge, the libvirt network, or the default network; never tagged', () => {
    const inst = instanceView([
      meta({ id: 'on-bridge', mac: 'fa:16:3e:00:00:11', vlan: 120 }),
      meta({ id: 'on-net', mac: 'fa:16:3e:00:00:12' }),
      meta({ id: 'on-default', mac: 'fa:16:3e:00:00:13' }),
    ]);
    const b = boot({
      'on-bridge': { bridge: 'br-meta', nicModel: 'igb' },
      'on-net': { libvirtNetwork: 'vfleet-meta' },
    });
    expect(portsOf(inst, b)).toEqual([
      {
        id: 'on-bridge',
        vnicType: 'normal',
        mac: 'fa:16:3e:00:00:11',
        vlan: 0,
        source: { kind: 'bridge', bridge: 'br-meta' },
        // The NIC model the port asked for (an emulated SR-IOV PF).
        model: 'igb',
      },
      {
        id: 'on-net',
        vnicType: 'normal',
        mac: 'fa:16:3e:00:00:12',
        vlan: 0,
        source: { kind: 'network', network: 'vfleet-meta' },
      },
      {
        id: 'on-default',
        vnicType: 'normal',
        mac: 'fa:16:3e:00:00:13',
        vlan: 0,
        source: { kind: 'network', network: 'default' },
      },
    ]);
  });

  it('direct-physical: the whole PF as the host reported it, without a MAC', () => {
    const p = portView({
      id: 'p-pf',
      vnicType: 'direct-physical',
      mac: null,
      pciAddress: '0000:3b:00.1',
      pf: '0000:3b:00.1',
    });
    const [w] = portsOf(instanceView([p]));
    expect(w).toEqual({ id: 'p-pf', vnicType: 'direct-physical', pf: FACTS.pfs['0000:3b:00.1'] });
    expect(w).not.toHaveProperty('mac');
    expect(FACTS.pfs['0000:3b:00.1']?.ifname).toBe('ens1f1');
  });

  it('direct-physical on a PF the host did not report: known by address only', () => {
    const unknown = portView({
      id: 'p-pf',
      vnicType: 'direct-physical',
      mac: null,
      pciAddress: '0000:af:00.0',
    });
    const unheld = portView({ id: 'p-pf2', vnicType: 'direct-physical', mac: null });
    expect(portsOf(instanceView([unknown, unheld]))).toEqual([
      {
        id: 'p-pf',
        vnicType: 'direct-physical',
        pf: { pciAddress: '0000:af:00.0', ifname: null, iommuGroup: null, numaNode: null },
      },
      {
        id: 'p-pf2',
        vnicType: 'direct-physical',
        pf: { pciAddress: null, ifname: null, iommuGroup: null, numaNode: null },
      },
    ]);
  });

  it('a VF the host did not report is known by its address only', () => {
    const p = direct({ pciAddress: '0000:3b:0f.7' });
    const [w] = portsOf(instanceView([p]));
    expect(w).toMatchObject({ id: 'p-direct', vnicType: 'direct' });
    expect(w !== undefined && 'vf' in w ? w.vf : null).toEqual({
      pciAddress: '0000:3b:0f.7',
      pfIfname: null,
      vfIndex: null,
      netdev: null,
      driverKind: 'none',
      vdpaDevice: null,
      iommuGroup: null,
      numaNode: null,
    });
  });

  it('the checks then say what is missing, instead of rendering a guess', () => {
    // A port holding no VF at all: no address to put in the domain.
    const inst = instanceView([direct({ pciAddress: null })]);
    const w = domainRequestOf(inst, boot(), FACTS);
    expect(() => renderDomainXml(w)).toThrowError(VfleetError);
    try {
      renderDomainXml(w);
    } catch (e) {
      expect(e).toMatchObject({
        code: 'INVALID_INPUT',
        details: { field: 'ports[0].vf.pciAddress' },
      });
    }
  });
});

describe('domainRequestOf: failover standby', () => {
  const standbyOf = (portId: string, mac: string, bridge: string): NormalPort => ({
    id: `${portId}-standby`,
    vnicType: 'normal',
    mac,
    vlan: 0,
    source: { kind: 'bridge', bridge },
    standbyFor: portId,
  });

  it('adds a virtio NIC <id>-standby with the same MAC, just before its direct port', () => {
    const inst = instanceView([
      meta(),
      direct({ id: 'p1', mac: 'fa:16:3e:00:00:01', vlan: 2401 }),
      direct({ id: 'p2', mac: 'fa:16:3e:00:00:02', pciAddress: '0000:3b:02.1' }),
    ]);
    const ports = portsOf(inst, boot({ p1: { standby: { bridge: 'br-fo' } } }));
    expect(ports.map((p) => p.id)).toEqual(['p-meta', 'p1-standby', 'p1', 'p2']);
    expect(standbyId('p1')).toBe('p1-standby');
    expect(ports[1]).toEqual(standbyOf('p1', 'fa:16:3e:00:00:01', 'br-fo'));
    expect(ports[2]).toEqual({
      id: 'p1',
      vnicType: 'direct',
      mac: 'fa:16:3e:00:00:01',
      vlan: 2401,
      vf: vfFact('0000:3b:02.0'),
    });
  });

  it('the standby may sit on a libvirt network, default or named', () => {
    const inst = instanceView([
      direct({ id: 'p1' }),
      direct({ id: 'p2', mac: 'fa:16:3e:00:00:02', pciAddress: '0000:3b:02.1' }),
    ]);
    const ports = portsOf(
      inst,
      boot({ p1: { standby: {} }, p2: { standby: { libvirtNetwork: 'fo-net' } } }),
    );
    const sources = ports
      .filter((p): p is NormalPort => p.vnicType === 'normal')
      .map((p) => [p.id, p.standbyFor, p.source]);
    expect(sources).toEqual([
      ['p1-standby', 'p1', { kind: 'network', network: 'default' }],
      ['p2-standby', 'p2', { kind: 'network', network: 'fo-net' }],
    ]);
  });

  it('only a direct port gets a standby', () => {
    const inst = instanceView([
      portView({ id: 'mv', vnicType: 'macvtap', pciAddress: '0000:3b:02.2' }),
      meta({ id: 'nic' }),
    ]);
    const b = boot({ mv: { standby: { bridge: 'br-fo' } }, nic: { standby: { bridge: 'br-fo' } } });
    expect(portsOf(inst, b).map((p) => p.id)).toEqual(['mv', 'nic']);
  });
});

describe('domainRequestOf: vfFor', () => {
  it("puts the given VF in place of the port's own, and leaves the other ports be", () => {
    const target = vfFact('0000:5e:02.0');
    const inst = instanceView([
      direct({ id: 'p1' }),
      direct({ id: 'p2', mac: 'fa:16:3e:00:00:02', pciAddress: '0000:3b:02.1' }),
    ]);
    const ports = portsOf(
      inst,
      boot({ p1: { standby: { bridge: 'br-fo' } } }),
      new Map([['p1', target]]),
    );
    const vfOf = (id: string) => (ports.find((p) => p.id === id) as DirectPort | undefined)?.vf;
    expect(vfOf('p1')).toBe(target);
    expect(vfOf('p2')).toEqual(vfFact('0000:3b:02.1'));
    // The standby still pairs with the port, whatever VF it now has.
    expect(ports.map((p) => p.id)).toEqual(['p1-standby', 'p1', 'p2']);
  });

  it("also for a VF the facts do not have (another host's)", () => {
    const elsewhere: ClaimedVf = {
      ...vfFact('0000:3b:02.0'),
      pciAddress: '0000:d8:02.4',
      pfIfname: 'ens4f0',
    };
    const [w] = portsOf(
      instanceView([direct({ pciAddress: null })]),
      boot(),
      new Map([['p-direct', elsewhere]]),
    );
    expect((w as DirectPort).vf).toBe(elsewhere);
  });
});

/** The single child element at a path of names; fails the test when absent or repeated. */
function one(e: XmlElement, ...path: string[]): XmlElement {
  let cur = e;
  for (const name of path) {
    const found = childElements(cur, name);
    expect(found, `<${name}> under <${cur.name}>`).toHaveLength(1);
    const [next] = found;
    if (next === undefined) throw new Error(`no <${name}>`);
    cur = next;
  }
  return cur;
}

describe('domainRequestOf rendered', () => {
  const inst = instanceView([
    meta(),
    direct({ id: 'p1', mac: 'fa:16:3e:00:00:01', vlan: 2401 }),
    portView({ id: 'p-pf', vnicType: 'direct-physical', mac: null, pciAddress: '0000:3b:00.1' }),
    portView({
      id: 'p-mv',
      vnicType: 'macvtap',
      mac: 'fa:16:3e:00:00:02',
      vlan: 100,
      pciAddress: '0000:3b:02.2',
    }),
  ]);
  const b = boot({ 'p-meta': { bridge: 'br-meta' }, p1: { standby: { bridge: 'br-fo' } } });

  it('renders a domain named after the instance, with its id as UUID', () => {
    const doc = parseXml(renderDomainXml(domainRequestOf(inst, b, FACTS)).xml, 'out');
    expect(textOf(one(doc, 'name'))).toBe(domainName(inst));
    expect(textOf(one(doc, 'uuid'))).toBe(inst.id);
    expect(textOf(one(doc, 'vcpu'))).toBe(String(inst.vcpus));
  });

  it('pairs the direct port with its standby through <teaming>', () => {
    const doc = parseXml(renderDomainXml(domainRequestOf(inst, b, FACTS)).xml, 'out');
    const devices = childElements(one(doc, 'devices'));
    const byAlias = (alias: string) => {
      const at = devices.findIndex((d) =>
        childElements(d, 'alias').some((a) => attrOf(a, 'name') === alias),
      );
      const dev = devices[at];
      if (dev === undefined) throw new Error(`no device ${alias}`);
      return { at, dev };
    };
    const vf = byAlias('ua-p1');
    const standby = byAlias('ua-p1-standby');
    expect(attrOf(vf.dev, 'type')).toBe('hostdev');
    expect(attrOf(one(vf.dev, 'teaming'), 'type')).toBe('transient');
    expect(attrOf(one(vf.dev, 'teaming'), 'persistent')).toBe('ua-p1-standby');
    expect([attrOf(standby.dev, 'type'), attrOf(one(standby.dev, 'source'), 'bridge')]).toEqual([
      'bridge',
      'br-fo',
    ]);
    expect(attrOf(one(standby.dev, 'teaming'), 'type')).toBe('persistent');
    expect(attrOf(one(standby.dev, 'mac'), 'address')).toBe(attrOf(one(vf.dev, 'mac'), 'address'));
    expect(standby.at).toBeLessThan(vf.at);
    // The other ports carry no teaming.
    for (const alias of ['ua-p-meta', 'ua-p-pf', 'ua-p-mv'])
      expect(childElements(byAlias(alias).dev, 'teaming')).toEqual([]);
  });

  it('without a standby, the direct port has no <teaming>', () => {
    const xml = renderDomainXml(
      domainRequestOf(inst, boot({ 'p-meta': { bridge: 'br-meta' } }), FACTS),
    ).xml;
    expect(xml).not.toContain('teaming');
    expect(xml).not.toContain('p1-standby');
  });

  it('places the instance on the node of its devices (facts reach the renderer)', () => {
    const r = renderDomainXml(domainRequestOf(inst, b, FACTS));
    expect(r.placement?.nodes).toEqual([0]);
    expect(r.placement?.cpus).toEqual(FACTS.numa.find((n) => n.node === 0)?.cpus);
  });
});
