import { describe, expect, it } from 'vitest';
import { VfleetError } from '../errors.js';
import { parseCpuList } from '../pci-address.js';
import { pciOfAddressElement } from './base-domain.js';
import { renderDeviceXml, renderDomainXml } from './render-domain.js';
import type { DomainRequest, MacvtapPort, VdpaPort } from './domain-request.js';
import {
  EXAMPLE_HOST_NUMA,
  exampleDirect,
  exampleInstance,
  exampleMacvtap,
  exampleNormal,
  examplePhysical,
  exampleVdpa,
  exampleVf,
} from './domain-request-examples.js';
import { parseXml } from './xml-parse.js';
import { attrOf, childElements, textOf, type XmlElement } from './xml-tree.js';

/** The value, or a failed test when it is missing. */
function must<T>(v: T | undefined): T {
  if (v === undefined) throw new Error('expected a value');
  return v;
}

const render = (w: DomainRequest): XmlElement => parseXml(renderDomainXml(w).xml, 'out');

/** The single child at a path of element names; fails the test when absent or repeated. */
function one(e: XmlElement, ...path: string[]): XmlElement {
  let cur = e;
  for (const name of path) {
    const found = childElements(cur, name);
    expect(found, `<${name}> under <${cur.name}>`).toHaveLength(1);
    cur = must(found[0]);
  }
  return cur;
}

const devices = (doc: XmlElement) => childElements(one(doc, 'devices'));
const byAlias = (doc: XmlElement, alias: string): XmlElement => {
  const d = devices(doc).find((x) =>
    childElements(x, 'alias').some((a) => attrOf(a, 'name') === alias),
  );
  if (d === undefined) throw new Error(`no device with alias ${alias}`);
  return d;
};
const cpusOf = (e: XmlElement) => parseCpuList(attrOf(e, 'cpuset') ?? 'x') ?? [];
const nodeCpus = (node: number) => EXAMPLE_HOST_NUMA.find((h) => h.node === node)?.cpus ?? [];

describe('port devices', () => {
  it('direct: a managed hostdev interface on the VF address with MAC, VLAN and vfio', () => {
    const port = exampleDirect({ vf: exampleVf({ pciAddress: '0000:af:1f.7' }), vlan: 3999 });
    const dev = byAlias(render(exampleInstance({ ports: [port] })), 'ua-p-direct');
    expect([dev.name, attrOf(dev, 'type'), attrOf(dev, 'managed')]).toEqual([
      'interface',
      'hostdev',
      'yes',
    ]);
    const address = one(dev, 'source', 'address');
    expect(attrOf(address, 'type')).toBe('pci');
    expect(pciOfAddressElement(address)).toBe('0000:af:1f.7');
    expect(attrOf(one(dev, 'mac'), 'address')).toBe(port.mac);
    expect(attrOf(one(dev, 'vlan', 'tag'), 'id')).toBe('3999');
    expect(attrOf(one(dev, 'driver'), 'name')).toBe('vfio');
  });

  it('direct, untagged: no <vlan> at all', () => {
    const dev = byAlias(
      render(exampleInstance({ ports: [exampleDirect({ vlan: 0 })] })),
      'ua-p-direct',
    );
    expect(childElements(dev, 'vlan')).toEqual([]);
  });

  it('direct-physical: the whole PF as a PCI hostdev', () => {
    const port = examplePhysical();
    const dev = byAlias(render(exampleInstance({ ports: [port] })), 'ua-p-pf');
    expect([dev.name, attrOf(dev, 'mode'), attrOf(dev, 'type'), attrOf(dev, 'managed')]).toEqual([
      'hostdev',
      'subsystem',
      'pci',
      'yes',
    ]);
    expect(pciOfAddressElement(one(dev, 'source', 'address'))).toBe(port.pf.pciAddress);
    expect(childElements(dev, 'mac')).toEqual([]);
  });

  it('macvtap: passthrough on the VF netdev, VLAN left to libvirt via the PF', () => {
    const port = exampleMacvtap();
    const dev = byAlias(render(exampleInstance({ ports: [port] })), 'ua-p-macvtap');
    expect(attrOf(dev, 'type')).toBe('direct');
    const source = one(dev, 'source');
    expect([attrOf(source, 'dev'), attrOf(source, 'mode')]).toEqual([
      port.vf.netdev,
      'passthrough',
    ]);
    expect(attrOf(one(dev, 'vlan', 'tag'), 'id')).toBe(String(port.vlan));
    expect(attrOf(one(dev, 'model'), 'type')).toBe('virtio');
  });

  it('vdpa: the vhost-vdpa character device', () => {
    const port = exampleVdpa({ vf: { ...exampleVdpa().vf, vdpaDevice: '/dev/vhost-vdpa-12' } });
    const dev = byAlias(render(exampleInstance({ ports: [port] })), 'ua-p-vdpa');
    expect(attrOf(dev, 'type')).toBe('vdpa');
    expect(attrOf(one(dev, 'source'), 'dev')).toBe('/dev/vhost-vdpa-12');
  });

  it('normal: virtio with vhost on a bridge or a libvirt network', () => {
    const onNet = exampleNormal({
      id: 'n2',
      mac: 'fa:16:3e:00:00:20',
      source: { kind: 'network', network: 'meta' },
    });
    const doc = render(exampleInstance({ ports: [exampleNormal(), onNet] }));
    const bridge = byAlias(doc, 'ua-p-meta');
    expect(attrOf(bridge, 'type')).toBe('bridge');
    expect(attrOf(one(bridge, 'source'), 'bridge')).toBe('br-meta');
    expect(attrOf(one(bridge, 'driver'), 'name')).toBe('vhost');
    expect(attrOf(one(bridge, 'model'), 'type')).toBe('virtio');
    const net = byAlias(doc, 'ua-n2');
    expect([attrOf(net, 'type'), attrOf(one(net, 'source'), 'network')]).toEqual([
      'network',
      'meta',
    ]);
  });

  it('normal with model igb: an emulated SR-IOV NIC on the bridge, without vhost (virtio only)', () => {
    const doc = render(exampleInstance({ ports: [exampleNormal({ model: 'igb' })] }));
    const nic = byAlias(doc, 'ua-p-meta');
    expect(attrOf(one(nic, 'model'), 'type')).toBe('igb');
    expect(childElements(nic, 'driver')).toEqual([]);
    expect(attrOf(one(nic, 'source'), 'bridge')).toBe('br-meta');
  });

  it('failover: persistent virtio standby and transient VF share the MAC and name each other', () => {
    const direct = exampleDirect();
    const standby = exampleNormal({
      id: 'sb',
      mac: direct.mac.toUpperCase(),
      standbyFor: direct.id,
    });
    const doc = render(exampleInstance({ ports: [standby, direct] }));
    const s = byAlias(doc, 'ua-sb');
    const vf = byAlias(doc, 'ua-p-direct');
    expect(attrOf(one(s, 'teaming'), 'type')).toBe('persistent');
    expect(attrOf(one(vf, 'teaming'), 'type')).toBe('transient');
    expect(attrOf(one(vf, 'teaming'), 'persistent')).toBe('ua-sb');
    expect(attrOf(one(s, 'mac'), 'address')).toBe(attrOf(one(vf, 'mac'), 'address'));
  });

  it('a direct port without a standby has no <teaming>', () => {
    const doc = render(exampleInstance());
    expect(childElements(byAlias(doc, 'ua-p-direct'), 'teaming')).toEqual([]);
    expect(childElements(byAlias(doc, 'ua-p-meta'), 'teaming')).toEqual([]);
  });

  it('renderDeviceXml gives the same element as the domain, and refuses an unknown port', () => {
    const w = exampleInstance({
      ports: [
        exampleNormal({ id: 'sb', mac: exampleDirect().mac, standbyFor: 'p-direct' }),
        exampleDirect(),
      ],
    });
    const alone = parseXml(renderDeviceXml(w, 'p-direct'), 'dev');
    expect(alone).toEqual(byAlias(render(w), 'ua-p-direct'));
    expect(() => renderDeviceXml(w, 'nope')).toThrow(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        details: { field: 'portId' },
      }) as VfleetError,
    );
  });
});

describe('domain, template and NUMA tuning', () => {
  it('template: name, uuid, size, disk and the ports', () => {
    const w = exampleInstance({ name: `a "b" & <c>`, memoryMb: 8192, vcpus: 6 });
    const doc = render(w);
    expect(attrOf(doc, 'type')).toBe('kvm');
    expect(textOf(one(doc, 'name'))).toBe(w.name);
    expect(textOf(one(doc, 'uuid'))).toBe(w.uuid);
    expect([attrOf(one(doc, 'memory'), 'unit'), textOf(one(doc, 'memory'))]).toEqual([
      'MiB',
      '8192',
    ]);
    expect(textOf(one(doc, 'vcpu'))).toBe('6');
    expect(attrOf(one(doc, 'devices', 'disk', 'source'), 'file')).toBe(
      '/var/lib/vfleet/images/vm-1.qcow2',
    );
    expect(devices(doc).filter((d) => d.name === 'interface')).toHaveLength(2);
    expect(attrOf(one(doc, 'cpu'), 'mode')).toBe('host-passthrough');
  });

  it('template on a host without KVM: an emulated (qemu) domain with the maximum CPU model', () => {
    const doc = render(
      exampleInstance({ base: { kind: 'template', diskImage: '/i/a.qcow2', virtType: 'qemu' } }),
    );
    expect([attrOf(doc, 'type'), attrOf(one(doc, 'cpu'), 'mode')]).toEqual(['qemu', 'maximum']);
  });

  it('required: every vCPU and the emulator on the VF node CPUs, memory strict on that node', () => {
    const w = exampleInstance({ ports: [exampleDirect({ vf: exampleVf({ numaNode: 2 }) })] });
    const doc = render(w);
    const pins = childElements(one(doc, 'cputune'), 'vcpupin');
    expect(pins.map((p) => attrOf(p, 'vcpu'))).toEqual(['0', '1', '2', '3']);
    for (const p of pins) expect(nodeCpus(2)).toEqual(expect.arrayContaining(cpusOf(p)));
    expect(cpusOf(one(doc, 'cputune', 'emulatorpin'))).toEqual([...nodeCpus(2)]);
    const mem = one(doc, 'numatune', 'memory');
    expect([attrOf(mem, 'mode'), attrOf(mem, 'nodeset')]).toEqual(['strict', '2']);
    expect(renderDomainXml(w).placement).toMatchObject({ nodes: [2], memoryMode: 'strict' });
  });

  it('preferred: the node holding most devices, memory preferred', () => {
    const on1 = <P extends MacvtapPort | VdpaPort>(p: P): P => ({
      ...p,
      vf: { ...p.vf, numaNode: 1 },
    });
    const w = exampleInstance({
      numaPolicy: 'preferred',
      ports: [exampleDirect(), on1(exampleMacvtap()), on1(exampleVdpa())],
    });
    const doc = render(w);
    const mem = one(doc, 'numatune', 'memory');
    expect([attrOf(mem, 'mode'), attrOf(mem, 'nodeset')]).toEqual(['preferred', '1']);
    expect(cpusOf(must(childElements(one(doc, 'cputune'), 'vcpupin')[0]))).toEqual([
      ...nodeCpus(1),
    ]);
  });

  it('socket: every node of the devices socket', () => {
    const w = exampleInstance({
      numaPolicy: 'socket',
      ports: [exampleDirect({ vf: exampleVf({ numaNode: 1 }) })],
    });
    const doc = render(w);
    expect(attrOf(one(doc, 'numatune', 'memory'), 'nodeset')).toBe('0-1');
    expect(cpusOf(one(doc, 'cputune', 'emulatorpin'))).toEqual(
      [...nodeCpus(0), ...nodeCpus(1)].sort((a, b) => a - b),
    );
  });

  it('legacy without a reported node, or no device ports: no tuning at all', () => {
    const legacy = exampleInstance({
      numaPolicy: 'legacy',
      ports: [exampleDirect({ vf: exampleVf({ numaNode: null }) })],
    });
    const onlyNormal = exampleInstance({ ports: [exampleNormal()] });
    for (const w of [legacy, onlyNormal]) {
      const doc = render(w);
      expect(childElements(doc, 'cputune')).toEqual([]);
      expect(childElements(doc, 'numatune')).toEqual([]);
      expect(renderDomainXml(w).placement).toBeNull();
    }
  });

  it('dedicated CPUs: one vCPU per CPU, the emulator on the local CPUs left over', () => {
    const doc = render(exampleInstance({ pinnedCpus: [3, 2, 17, 16] }));
    const pins = childElements(one(doc, 'cputune'), 'vcpupin');
    expect(pins.map((p) => [attrOf(p, 'vcpu'), attrOf(p, 'cpuset')])).toEqual([
      ['0', '3'],
      ['1', '2'],
      ['2', '17'],
      ['3', '16'],
    ]);
    expect(cpusOf(one(doc, 'cputune', 'emulatorpin'))).toEqual([0, 1, 18, 19]);
  });
});

describe('hugepages', () => {
  const twoVfs = [
    exampleDirect({ vf: exampleVf({ numaNode: 1 }) }),
    exampleDirect({
      id: 'p-two',
      mac: 'fa:16:3e:00:00:09',
      vf: exampleVf({ pciAddress: '0000:3b:02.2', numaNode: 1 }),
    }),
  ];

  it('backs memory with hugepages on the VFs node, where vCPUs and memory are pinned', () => {
    const doc = render(exampleInstance({ numaPolicy: 'required', hugepages: true, ports: twoVfs }));
    expect(childElements(one(doc, 'memoryBacking', 'hugepages'))).toEqual([]);
    const memory = one(doc, 'numatune', 'memory');
    expect([attrOf(memory, 'mode'), attrOf(memory, 'nodeset')]).toEqual(['strict', '1']);
    const pins = childElements(one(doc, 'cputune'), 'vcpupin');
    expect(pins.length).toBeGreaterThan(0);
    for (const pin of pins) expect(cpusOf(pin)).toEqual(nodeCpus(1));
  });

  it('renders no memoryBacking without hugepages', () => {
    expect(childElements(render(exampleInstance({ ports: twoVfs })), 'memoryBacking')).toEqual([]);
  });

  it("keeps a base's own hugepages with their page sizes, and its other backing", () => {
    const xml =
      "<domain type='kvm'><os><type>hvm</type></os><memoryBacking><hugepages><page size='1' unit='GiB'/></hugepages><nosharepages/></memoryBacking></domain>";
    const doc = render(exampleInstance({ hugepages: true, base: { kind: 'xml', xml } }));
    const backing = one(doc, 'memoryBacking');
    expect(childElements(backing).map((c) => c.name)).toEqual(['hugepages', 'nosharepages']);
    expect(attrOf(one(backing, 'hugepages', 'page'), 'size')).toBe('1');
  });

  it('adds hugepages beside what a base already backs its memory with', () => {
    const xml =
      "<domain type='kvm'><os><type>hvm</type></os><memoryBacking><nosharepages/></memoryBacking></domain>";
    const doc = render(exampleInstance({ hugepages: true, base: { kind: 'xml', xml } }));
    expect(childElements(one(doc, 'memoryBacking')).map((c) => c.name)).toEqual([
      'hugepages',
      'nosharepages',
    ]);
  });
});
