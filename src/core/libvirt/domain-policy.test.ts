import { describe, expect, it } from 'vitest';
import { domainXmlPolicyProblems } from './domain-policy.js';
import type { PolicyOptions } from './policy-walk.js';
import { isImageName } from './image-names.js';
import { renderDomainXml } from './render-domain.js';
import {
  exampleDirect,
  exampleInstance,
  exampleMacvtap,
  exampleNormal,
  examplePhysical,
  exampleVdpa,
} from './domain-request-examples.js';

const IMAGES = '/var/lib/vfleet/images';
const base: PolicyOptions = { stage: 'base', imageDir: IMAGES, seedDir: null };
const rendered: PolicyOptions = { stage: 'rendered', imageDir: IMAGES, seedDir: null };
const dom = (inner: string, attrs = '') =>
  `<domain type="kvm"${attrs}><name>t</name><memory>1024</memory><os><type>hvm</type></os>${inner}</domain>`;
const devices = (inner: string) => dom(`<devices>${inner}</devices>`);
const problems = (xml: string, o = base) =>
  domainXmlPolicyProblems(xml, o, 'boot.domainXml').map((p) => p.reason);

/** A guest a tenant may well write: it must pass untouched. */
const DECENT = `<domain type="kvm">
  <name>web</name><title>web server</title><description>ours</description>
  <memory unit="MiB">1024</memory><vcpu>2</vcpu>
  <os firmware="efi"><type arch="x86_64" machine="q35">hvm</type><boot dev="hd"/><bootmenu enable="no"/></os>
  <features><acpi/><apic/><hyperv mode="custom"><relaxed state="on"/><spinlocks state="on" retries="8191"/></hyperv><kvm><hidden state="on"/></kvm></features>
  <cpu mode="host-model"><topology sockets="1" dies="1" cores="2" threads="1"/><feature policy="disable" name="svm"/></cpu>
  <clock offset="utc"><timer name="rtc" tickpolicy="catchup"/><timer name="hpet" present="no"/></clock>
  <on_poweroff>destroy</on_poweroff><on_reboot>restart</on_reboot><on_crash>destroy</on_crash>
  <pm><suspend-to-mem enabled="no"/></pm>
  <cputune><shares>2048</shares><period>100000</period><quota>50000</quota></cputune>
  <memtune><hard_limit unit="MiB">2048</hard_limit></memtune>
  <memoryBacking><hugepages><page size="2" unit="MiB"/></hugepages><source type="memfd"/><access mode="shared"/></memoryBacking>
  <iothreads>1</iothreads>
  <devices>
    <disk type="file" device="cdrom"><driver name="qemu" type="raw"/><target dev="sda" bus="sata"/><readonly/></disk>
    <controller type="usb" model="qemu-xhci"/><controller type="pci" index="0" model="pcie-root"/>
    <graphics type="vnc" port="-1" autoport="yes"><listen type="address" address="127.0.0.1"/></graphics>
    <graphics type="spice" autoport="yes"><listen type="none"/><image compression="off"/></graphics>
    <video><model type="virtio" heads="1" primary="yes"/></video>
    <input type="tablet" bus="usb"/><sound model="ich9"/><audio id="1" type="none"/>
    <memballoon model="virtio"><stats period="10"/></memballoon>
    <rng model="virtio"><backend model="random">/dev/urandom</backend></rng>
    <watchdog model="i6300esb" action="reset"/>
    <serial type="pty"><target port="0"/></serial><console type="pty"><target type="serial" port="0"/></console>
    <channel type="unix"><source mode="bind"/><target type="virtio" name="org.qemu.guest_agent.0"/></channel>
    <channel type="spicevmc"><target type="virtio" name="com.redhat.spice.0"/></channel>
    <tpm model="tpm-crb"><backend type="emulator" version="2.0"/></tpm>
    <panic model="isa"/>
  </devices>
</domain>`;

describe('tenant domain policy: what a tenant may write', () => {
  it('accepts a full, ordinary guest', () => {
    expect(problems(DECENT)).toEqual([]);
  });
});

describe('tenant domain policy: each attack is refused, naming the element', () => {
  it.each([
    [
      'qemu:commandline',
      dom(
        '<qemu:commandline><qemu:arg value="-drive"/></qemu:commandline>',
        ' xmlns:qemu="http://libvirt.org/schemas/domain/qemu/1.0"',
      ),
      '/domain/qemu:commandline',
    ],
    [
      'a disk on /etc/shadow',
      devices(
        '<disk type="file" device="disk"><source file="/etc/shadow"/><target dev="vda"/></disk>',
      ),
      '/domain/devices/disk',
    ],
    [
      'a raw block device',
      devices(
        '<disk type="block" device="disk"><driver name="qemu" type="raw"/><source dev="/dev/sda"/><target dev="vda"/></disk>',
      ),
      '/domain/devices/disk',
    ],
    [
      'a filesystem passing /',
      devices('<filesystem type="mount"><source dir="/"/><target dir="host"/></filesystem>'),
      '/domain/devices/filesystem',
    ],
    [
      'a hostdev of a PCI device',
      devices(
        '<hostdev mode="subsystem" type="pci" managed="yes"><source><address domain="0" bus="0x3b" slot="0" function="0"/></source></hostdev>',
      ),
      '/domain/devices/hostdev',
    ],
    [
      'an interface of type hostdev',
      devices(
        '<interface type="hostdev" managed="yes"><source><address type="pci" domain="0" bus="0x3b" slot="0x10" function="0"/></source></interface>',
      ),
      '/domain/devices/interface',
    ],
    [
      'a serial console to a file',
      devices('<serial type="file"><source path="/etc/cron.d/x"/></serial>'),
      '/domain/devices/serial',
    ],
    [
      'a channel to a host socket',
      devices(
        '<channel type="unix"><source mode="connect" path="/run/docker.sock"/><target type="virtio" name="x"/></channel>',
      ),
      '/domain/devices/channel/source',
    ],
    [
      'a serial over tcp',
      devices('<serial type="tcp"><source mode="connect" host="10.0.0.1" service="22"/></serial>'),
      '/domain/devices/serial',
    ],
    [
      'a host character device',
      devices('<console type="dev"><source path="/dev/ttyS0"/></console>'),
      '/domain/devices/console',
    ],
    [
      'an os loader path',
      dom(
        '<os><type>hvm</type><loader readonly="yes" type="pflash">/tmp/evil.fd</loader></os>',
      ).replace('<os><type>hvm</type></os>', ''),
      '/domain/os/loader',
    ],
    [
      'an os kernel and initrd',
      dom('').replace(
        '<os><type>hvm</type></os>',
        '<os><type>hvm</type><kernel>/boot/vmlinuz</kernel><initrd>/boot/initrd</initrd></os>',
      ),
      '/domain/os/kernel',
    ],
    ['an emulator', devices('<emulator>/tmp/my-qemu</emulator>'), '/domain/devices/emulator'],
    ['a seclabel of none', dom('<seclabel type="none"/>'), '/domain/seclabel'],
    ['metadata', dom('<metadata><a:x xmlns:a="urn:a">1</a:x></metadata>'), '/domain/metadata'],
    [
      'sysinfo reading host files',
      dom('<sysinfo type="fwcfg"><entry name="opt/x" file="/etc/shadow"/></sysinfo>'),
      '/domain/sysinfo',
    ],
    [
      'hugepages from a host path',
      dom('<memoryBacking><source type="file"/></memoryBacking>'),
      '/domain/memoryBacking/source',
    ],
    [
      'blkiotune device paths',
      dom('<blkiotune><device><path>/dev/sda</path><weight>1</weight></device></blkiotune>'),
      '/domain/blkiotune',
    ],
    [
      'a resource partition',
      dom('<resource><partition>/machine</partition></resource>'),
      '/domain/resource',
    ],
    [
      'vCPU pins',
      dom('<cputune><vcpupin vcpu="0" cpuset="0"/></cputune>'),
      '/domain/cputune/vcpupin',
    ],
    [
      'a VNC socket',
      devices('<graphics type="vnc" socket="/run/x.sock"/>'),
      '/domain/devices/graphics',
    ],
    [
      'VNC on every address',
      devices('<graphics type="vnc" listen="0.0.0.0"/>'),
      '/domain/devices/graphics',
    ],
    [
      'an rng from a host device',
      devices('<rng model="virtio"><backend model="random">/dev/sda</backend></rng>'),
      '/domain/devices/rng/backend',
    ],
    [
      'a watchdog dump',
      devices('<watchdog model="i6300esb" action="dump"/>'),
      '/domain/devices/watchdog',
    ],
    [
      'a vsock',
      devices('<vsock model="virtio"><cid auto="yes"/></vsock>'),
      '/domain/devices/vsock',
    ],
    [
      'a shared memory device',
      devices('<shmem name="x"><model type="ivshmem-plain"/></shmem>'),
      '/domain/devices/shmem',
    ],
    ['a foreign attribute', dom('', ' xmlns:x="urn:x" x:y="1"'), '/domain'],
    ['a coredump on crash', dom('<on_crash>coredump-restart</on_crash>'), '/domain/on_crash'],
  ])('%s', (_what, xml, path) => {
    const got = problems(xml);
    expect(got.length, xml).toBeGreaterThan(0);
    expect(
      got.some((r) => r.startsWith(`${path}:`)),
      JSON.stringify(got),
    ).toBe(true);
  });

  it('lists every problem, not only the first', () => {
    const got = problems(
      devices(
        '<filesystem type="mount"><source dir="/"/><target dir="h"/></filesystem><hostdev mode="subsystem" type="pci"/><emulator>/x</emulator>',
      ),
    );
    expect(got.map((r) => r.split(':')[0])).toEqual([
      '/domain/devices/filesystem',
      '/domain/devices/hostdev',
      '/domain/devices/emulator',
    ]);
  });

  it('numbers repeated elements', () => {
    const got = problems(devices('<input type="tablet"/><input type="passthrough"/>'));
    expect(got).toEqual(['/domain/devices/input[2]: type="passthrough" is not allowed']);
  });
});

describe('rendered stage: what vfleet itself writes passes, with its seclabel', () => {
  const every = [
    exampleDirect(),
    exampleMacvtap(),
    exampleVdpa(),
    examplePhysical(),
    exampleNormal(),
  ];
  it.each([
    ['the template with every vnic type', exampleInstance({ ports: every, policy: 'tenant' })],
    [
      'a tenant base with an image disk',
      exampleInstance({
        policy: 'tenant',
        base: { kind: 'xml', xml: DECENT, disk: { path: `${IMAGES}/web.qcow2`, format: 'qcow2' } },
      }),
    ],
  ])('%s', (_what, request) => {
    const xml = renderDomainXml(request).xml;
    expect(problems(xml, rendered)).toEqual([]);
    expect(xml).toContain('<seclabel type="dynamic" relabel="yes"/>');
  });

  it('refuses a document without the forced seclabel, or a disk outside the image dir', () => {
    const xml = renderDomainXml(exampleInstance()).xml;
    expect(problems(xml, rendered)).toEqual([
      '/domain: vfleet\'s <seclabel type="dynamic" relabel="yes"/> must be there, once',
    ]);
    const outside = renderDomainXml(
      exampleInstance({ policy: 'tenant', base: { kind: 'template', diskImage: '/etc/shadow' } }),
    ).xml;
    expect(problems(outside, rendered)).toEqual([
      `/domain/devices/disk/source: file="/etc/shadow" is not an image of the host's image directory ${IMAGES}`,
    ]);
    const dotdot = outside.replace('/etc/shadow', `${IMAGES}/../x`);
    expect(problems(dotdot, rendered)).toHaveLength(1);
  });

  it('refuses a host device without a port alias even at the rendered stage', () => {
    const xml = renderDomainXml(exampleInstance({ policy: 'tenant' })).xml.replace(
      '</devices>',
      '<hostdev mode="subsystem" type="pci" managed="yes"><source><address domain="0" bus="0x5e" slot="0" function="0"/></source></hostdev></devices>',
    );
    expect(problems(xml, rendered)).toEqual([
      "/domain/devices/hostdev: <hostdev> is not one of vfleet's port devices",
    ]);
  });
});

describe('image names', () => {
  it.each([
    ['web.qcow2', true],
    ['a', true],
    ['../x', false],
    ['a..b', false],
    ['/etc/shadow', false],
    ['x/y', false],
    ['.hidden', false],
    ['-rf', false],
    ['x'.repeat(129), false],
  ])('%s: %s', (name, ok) => {
    expect(isImageName(name)).toBe(ok);
  });
});
