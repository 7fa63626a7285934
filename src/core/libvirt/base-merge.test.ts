import { describe, expect, it } from 'vitest';
import { renderDomainXml } from './render-domain.js';
import { exampleDirect, exampleInstance, exampleNormal } from './domain-request-examples.js';
import { parseXml } from './xml-parse.js';
import { attrOf, childElements, textOf, type XmlElement } from './xml-tree.js';

/** The value, or a failed test when it is missing. */
function must<T>(v: T | undefined): T {
  if (v === undefined) throw new Error('expected a value');
  return v;
}

const BASE = `<?xml version="1.0"?>
<domain type="kvm" xmlns:qemu="http://libvirt.org/schemas/domain/qemu/1.0">
  <name>from-user</name>
  <uuid>11111111-2222-3333-4444-555555555555</uuid>
  <!-- keep me -->
  <description>two  spaces &amp; an "ampersand"</description>
  <memory unit="KiB">1048576</memory>
  <currentMemory unit="KiB">524288</currentMemory>
  <vcpu cpuset="0-1" current="1">2</vcpu>
  <cputune><shares>2048</shares><vcpupin vcpu="0" cpuset="31"/><emulatorpin cpuset="30"/></cputune>
  <numatune><memory mode="interleave" nodeset="0-3"/></numatune>
  <os><type arch="x86_64" machine="q35">hvm</type></os>
  <devices>
    <disk type="file" device="disk"><source file="/srv/disk.qcow2"/><target dev="vda" bus="virtio"/></disk>
    <interface type="network"><mac address="52:54:00:aa:bb:cc"/><source network="default"/></interface>
  </devices>
  <qemu:commandline><qemu:arg value="-no-hpet"/></qemu:commandline>
</domain>`;

const only = (e: XmlElement, name: string): XmlElement => {
  const found = childElements(e, name);
  expect(found, `<${name}>`).toHaveLength(1);
  return must(found[0]);
};

describe('merging into a base domain XML', () => {
  const w = exampleInstance({
    base: { kind: 'xml', xml: BASE },
    ports: [exampleDirect(), exampleNormal()],
  });
  const doc = parseXml(renderDomainXml(w).xml, 'out');

  it('vfleet owns name, uuid, memory and vCPU count', () => {
    expect(textOf(only(doc, 'name'))).toBe(w.name);
    expect(textOf(only(doc, 'uuid'))).toBe(w.uuid);
    expect(textOf(only(doc, 'memory'))).toBe(String(w.memoryMb));
    expect(childElements(doc, 'currentMemory')).toEqual([]);
    expect(only(doc, 'vcpu').attrs).toEqual([['placement', 'static']]);
    expect(textOf(only(doc, 'vcpu'))).toBe(String(w.vcpus));
  });

  it("keeps the base's uuid when the instance has none", () => {
    const { uuid, ...noUuid } = w;
    expect(uuid).toBeDefined();
    const d = parseXml(renderDomainXml(noUuid).xml, 'out');
    expect(textOf(only(d, 'uuid'))).toBe('11111111-2222-3333-4444-555555555555');
  });

  it('replaces pinning and memory placement, keeps the other tuning', () => {
    const cputune = only(doc, 'cputune');
    expect(childElements(cputune, 'vcpupin')).toHaveLength(w.vcpus);
    expect(childElements(cputune, 'vcpupin').some((p) => attrOf(p, 'cpuset') === '31')).toBe(false);
    expect(attrOf(only(cputune, 'emulatorpin'), 'cpuset')).toBe('0-3,16-19');
    expect(textOf(only(cputune, 'shares'))).toBe('2048');
    const mem = only(only(doc, 'numatune'), 'memory');
    expect([attrOf(mem, 'mode'), attrOf(mem, 'nodeset')]).toEqual(['strict', '0']);
  });

  it("appends the ports after the base's own devices, which stay", () => {
    const devs = childElements(only(doc, 'devices'));
    expect(devs.map((d) => `${d.name}:${attrOf(d, 'type') ?? ''}`)).toEqual([
      'disk:file',
      'interface:network',
      'interface:hostdev',
      'interface:bridge',
    ]);
  });

  it('keeps comments, text, namespaces and foreign elements as written', () => {
    expect(doc.children.some((c) => c.kind === 'comment' && c.text === ' keep me ')).toBe(true);
    expect(textOf(only(doc, 'description'))).toBe('two  spaces & an "ampersand"');
    expect(attrOf(doc, 'xmlns:qemu')).toBe('http://libvirt.org/schemas/domain/qemu/1.0');
    expect(attrOf(only(only(doc, 'qemu:commandline'), 'qemu:arg'), 'value')).toBe('-no-hpet');
  });

  it('adds <devices> to a base that has none', () => {
    const bare = exampleInstance({
      base: { kind: 'xml', xml: '<domain type="kvm"><os><type>hvm</type></os></domain>' },
    });
    const d = parseXml(renderDomainXml(bare).xml, 'out');
    expect(childElements(only(d, 'devices'))).toHaveLength(bare.ports.length);
  });

  it('leaves the base tuning alone when nothing is to be pinned', () => {
    const normalOnly = { ...w, ports: [exampleNormal()] };
    const d = parseXml(renderDomainXml(normalOnly).xml, 'out');
    expect(attrOf(only(only(d, 'cputune'), 'vcpupin'), 'cpuset')).toBe('31');
    expect(attrOf(only(only(d, 'numatune'), 'memory'), 'mode')).toBe('interleave');
  });
});
