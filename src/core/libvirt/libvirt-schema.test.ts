import { describe, expect, it } from 'vitest';
import { createExecRunner } from '../../adapters/exec/exec-runner.js';
import { createVirshDriver } from '../../adapters/virsh/virsh-driver.js';
import { withTempFile } from '../../adapters/virsh/temp-file.js';
import { validateLibvirtXml, type LibvirtSchema } from '../../adapters/virsh/virt-xml-validate.js';
import { renderDeviceXml, renderDomainXml } from './render-domain.js';
import { renderHostdevNetworkXml } from './render-network.js';
import type { DomainRequest } from './domain-request.js';
import {
  exampleDirect,
  exampleInstance,
  exampleMacvtap,
  exampleNormal,
  examplePhysical,
  exampleVdpa,
  exampleVf,
} from './domain-request-examples.js';

/**
 * Every document shape vfleet renders, checked by libvirt itself: its
 * Relax-NG schema (virt-xml-validate) and its domain parser (virsh define on
 * the in-process test:///default driver, which needs no daemon).
 */
const runner = createExecRunner({ path: process.env.PATH });
const testLibvirt = createVirshDriver(runner, { uri: 'test:///default' });

async function expectValid(xml: string, schema: LibvirtSchema): Promise<void> {
  const check = await validateLibvirtXml(runner, xml, schema);
  expect(check.output).toMatch(/validates$/);
  expect(check.valid).toBe(true);
  if (schema === 'domain') await testLibvirt.define(xml);
  else await testLibvirt.defineNetwork(xml);
}

const BASE_XML = `<?xml version="1.0"?>
<domain type="kvm" xmlns:qemu="http://libvirt.org/schemas/domain/qemu/1.0">
  <name>from-user</name>
  <!-- the user's own comment -->
  <metadata><app:owner xmlns:app="urn:example:app">team &amp; co</app:owner></metadata>
  <memory unit="KiB">1048576</memory>
  <currentMemory unit="KiB">1048576</currentMemory>
  <vcpu cpuset="0-1">2</vcpu>
  <cputune><shares>2048</shares><vcpupin vcpu="0" cpuset="31"/></cputune>
  <numatune><memory mode="interleave" nodeset="0-3"/></numatune>
  <os><type arch="x86_64" machine="q35">hvm</type></os>
  <devices>
    <disk type="file" device="disk"><source file="/srv/disk.qcow2"/><target dev="vda" bus="virtio"/></disk>
    <interface type="network"><mac address="52:54:00:aa:bb:cc"/><source network="default"/></interface>
  </devices>
  <qemu:commandline><qemu:arg value="-no-hpet"/></qemu:commandline>
</domain>`;

const nodeOnly = (node: number | null) => exampleVf({ numaNode: node });

const domains: Record<string, DomainRequest> = {
  'direct, tagged': exampleInstance({ ports: [exampleDirect()] }),
  'direct, untagged': exampleInstance({ ports: [exampleDirect({ vlan: 0 })] }),
  'direct-physical': exampleInstance({ ports: [examplePhysical()] }),
  macvtap: exampleInstance({ ports: [exampleMacvtap()] }),
  vdpa: exampleInstance({ ports: [exampleVdpa()] }),
  'normal on a bridge': exampleInstance({ ports: [exampleNormal()] }),
  'normal on a libvirt network': exampleInstance({
    ports: [exampleNormal({ source: { kind: 'network', network: 'vfleet-meta' } })],
  }),
  'every vnic type together': exampleInstance({
    ports: [exampleDirect(), exampleMacvtap(), exampleVdpa(), examplePhysical(), exampleNormal()],
  }),
  'policy required': exampleInstance({ numaPolicy: 'required' }),
  'policy legacy, node known': exampleInstance({ numaPolicy: 'legacy' }),
  'policy legacy, no node reported': exampleInstance({
    numaPolicy: 'legacy',
    ports: [exampleDirect({ vf: nodeOnly(null) })],
  }),
  'policy preferred, devices on two nodes': exampleInstance({
    numaPolicy: 'preferred',
    ports: [
      exampleDirect(),
      exampleMacvtap({ vf: { ...exampleMacvtap().vf, numaNode: 1 } }),
      exampleVdpa({ vf: { ...exampleVdpa().vf, numaNode: 1 } }),
    ],
  }),
  'policy socket': exampleInstance({
    numaPolicy: 'socket',
    ports: [exampleDirect(), exampleMacvtap({ vf: { ...exampleMacvtap().vf, numaNode: 1 } })],
  }),
  'dedicated CPUs': exampleInstance({ pinnedCpus: [0, 1, 2, 3] }),
  'failover pair': exampleInstance({
    ports: [
      exampleNormal({ id: 'standby', mac: exampleDirect().mac, standbyFor: 'p-direct' }),
      exampleDirect(),
      exampleNormal(),
    ],
  }),
  'base XML merge': exampleInstance({
    base: { kind: 'xml', xml: BASE_XML },
    ports: [exampleDirect(), exampleNormal()],
  }),
  'base XML without devices': exampleInstance({
    base: { kind: 'xml', xml: "<domain type='kvm'><os><type>hvm</type></os></domain>" },
  }),
  'tenant policy: forced seclabel, template': exampleInstance({ policy: 'tenant' }),
  'tenant policy: base XML with an image disk and a seclabel of its own': exampleInstance({
    policy: 'tenant',
    base: {
      kind: 'xml',
      xml: "<domain type='kvm'><os><type>hvm</type></os><seclabel type='none'/><devices><disk type='file' device='cdrom'><target dev='sda' bus='sata'/><readonly/></disk></devices></domain>",
      disk: { path: '/var/lib/vfleet/images/web.raw', format: 'raw' },
    },
  }),
  'raw disk, aarch64 template': exampleInstance({
    base: { kind: 'template', diskImage: '/images/a b&c.img', diskFormat: 'raw', arch: 'aarch64' },
  }),
  'template on a host without KVM (qemu, maximum CPU)': exampleInstance({
    policy: 'tenant',
    base: { kind: 'template', diskImage: '/images/a.qcow2', virtType: 'qemu' },
  }),
  'tenant policy: an emulated SR-IOV NIC (igb) on a bridge': exampleInstance({
    policy: 'tenant',
    ports: [exampleNormal({ model: 'igb' })],
  }),
  'router: two VFs on one node, hugepages': exampleInstance({
    numaPolicy: 'required',
    hugepages: true,
    policy: 'tenant',
    ports: [
      exampleDirect(),
      exampleDirect({
        id: 'p-two',
        mac: 'fa:16:3e:00:00:09',
        vlan: 101,
        vf: exampleVf({ pciAddress: '0000:3b:02.2', vfIndex: 2, iommuGroup: 72 }),
      }),
    ],
  }),
  // q35 has its SATA (AHCI) controller built in; libvirt names it, and adds one to other machines.
  'router with its cloud-init seed CD-ROM (template)': exampleInstance({
    numaPolicy: 'required',
    policy: 'tenant',
    seedIso: '/var/lib/vfleet/seeds/vm-1.iso',
  }),
  "cloud-init seed CD-ROM beside a tenant base's own empty drive": exampleInstance({
    policy: 'tenant',
    seedIso: '/var/lib/vfleet/seeds/vm-1.iso',
    base: {
      kind: 'xml',
      xml: "<domain type='kvm'><os><type arch='x86_64' machine='pc'>hvm</type></os><devices><disk type='file' device='cdrom'><target dev='sda' bus='sata'/><readonly/></disk></devices></domain>",
      disk: { path: '/var/lib/vfleet/images/web.raw', format: 'raw' },
    },
  }),
  'hugepages into a base XML with a memoryBacking of its own': exampleInstance({
    hugepages: true,
    base: {
      kind: 'xml',
      xml: "<domain type='kvm'><os><type>hvm</type></os><memoryBacking><nosharepages/></memoryBacking></domain>",
    },
  }),
  'names that need escaping': exampleInstance({
    name: `vm "one" & <two> 'three'`,
    base: { kind: 'template', diskImage: '/images/it\'s <here> & "there".qcow2' },
  }),
};

describe('libvirt accepts every rendered document', () => {
  for (const [label, request] of Object.entries(domains)) {
    it(`domain: ${label}`, async () => {
      await expectValid(renderDomainXml(request).xml, 'domain');
    });
  }

  it('every port device fragment, inside a domain', async () => {
    const w = domains['failover pair'];
    const all = domains['every vnic type together'];
    if (w === undefined || all === undefined) throw new Error('fixture missing');
    for (const request of [w, all]) {
      for (const port of request.ports) {
        const device = renderDeviceXml(request, port.id);
        const doc = `<domain type="kvm"><name>d</name><memory>1024</memory><os><type>hvm</type></os><devices>${device}</devices></domain>`;
        await expectValid(doc, 'domain');
      }
    }
  });

  it('the seed CD-ROM gets the SATA controller libvirt adds by itself', async () => {
    const request = domains['router with its cloud-init seed CD-ROM (template)'];
    if (request === undefined) throw new Error('fixture missing');
    const xml = renderDomainXml(request).xml;
    expect(xml).not.toContain('<controller');
    // test:///default forgets a definition when virsh exits: define and read back in one run.
    const defined = await withTempFile('seed.xml', xml, (file) =>
      runner.run('virsh', ['-c', 'test:///default', `define ${file}; dumpxml ${request.name}`]),
    );
    expect(defined.exitCode, defined.stderr).toBe(0);
    expect(defined.stdout).toContain("<controller type='sata' index='0'");
    expect(defined.stdout).toMatch(
      /<disk type='file' device='cdrom'>[^]*?<address type='drive' controller='0'/,
    );
  });

  it('hostdev network over one PF', async () => {
    await expectValid(
      renderHostdevNetworkXml({ name: 'vfleet-physnet1', pfIfname: 'ens1f0' }),
      'network',
    );
  });

  it('hostdev network as a VF address list', async () => {
    const xml = renderHostdevNetworkXml({
      name: 'physnet "a" & b',
      vfAddresses: ['0000:3b:02.1', '0000:3b:02.2', '0000:d8:0a.7'],
    });
    await expectValid(xml, 'network');
  });

  it('the validator does reject a broken document (so the checks above can fail)', async () => {
    const good = renderDomainXml(exampleInstance({ ports: [examplePhysical()] })).xml;
    // A hostdev source address with a type attribute is what an early renderer wrote.
    const broken = good.replace('<address domain=', '<address type="pci" domain=');
    expect(broken).not.toBe(good);
    const check = await validateLibvirtXml(runner, broken, 'domain');
    expect(check.valid).toBe(false);
    expect(check.output).toMatch(/fails to validate/);
  });
});
