import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExecRunner } from '../../adapters/exec/exec-runner.js';
import { validateLibvirtXml } from '../../adapters/virsh/virt-xml-validate.js';
import { libvirtPools, libvirtVdpaNotes, vdpaInterfaceXml } from './libvirt-pools.js';
import { exampleHosts } from './owned-devices-examples.js';
import { switchdevHosts } from './switchdev-examples.js';

/**
 * Each pool checked by libvirt itself: its Relax-NG schema
 * (virt-xml-validate) and its network parser on the in-process
 * test:///default driver. That driver is fresh in every virsh process, so
 * define and dump run as one virsh command line.
 */
const runner = createExecRunner({ path: process.env.PATH });
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vfleet-pools-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function defineAndDump(name: string, xml: string): Promise<{ out: string; err: string }> {
  const file = path.join(dir, `${name}.xml`);
  await writeFile(file, xml);
  const r = await runner.run('virsh', [
    '-c',
    'test:///default',
    `net-define --file ${file}; net-dumpxml --network ${name}`,
  ]);
  return { out: r.stdout, err: r.stderr.trim() };
}

const pools = libvirtPools(exampleHosts);

describe('libvirt hostdev pools', () => {
  it('makes one pool per host and physnet from the libvirt-pool VFs only', () => {
    expect(pools.map((p) => [p.host, p.name])).toEqual([
      ['node-a', 'vfleet-physnet2'],
      ['node-b', 'vfleet-physnet2'],
    ]);
    // node-a: all four VFs of ens1f1 → the PF itself.
    expect(pools[0]?.xml).toContain('<pf dev="ens1f1"/>');
    expect(pools[0]?.xml).not.toContain('<address');
    // node-b: one VF of each of two PFs shared with kubernetes → their addresses only.
    expect(pools[1]?.xml).not.toContain('<pf');
    expect(pools[1]?.xml.match(/<address /g)).toHaveLength(2);
  });

  it.each(pools.map((p) => [`${p.host}/${p.name}`, p] as const))(
    '%s validates and libvirt defines it with the same devices',
    async (_label, pool) => {
      const check = await validateLibvirtXml(runner, pool.xml, 'network');
      expect(check.output).toMatch(/validates$/);
      const { out, err } = await defineAndDump(pool.name, pool.xml);
      expect(err).toBe('');
      expect(out).toContain("<forward mode='hostdev' managed='yes'>");
      if (pool.host === 'node-a') expect(out).toContain("<pf dev='ens1f1'/>");
      else {
        expect(out).toContain(
          "<address type='pci' domain='0x0000' bus='0x81' slot='0x10' function='0x3'/>",
        );
        expect(out).toContain(
          "<address type='pci' domain='0x0000' bus='0x83' slot='0x10' function='0x2'/>",
        );
      }
    },
  );

  it('libvirt refuses the alternative vfleet avoids: two PFs in one pool', async () => {
    const xml = (pools[0]?.xml ?? '').replace(
      '<pf dev="ens1f1"/>',
      '<pf dev="ens1f1"/><pf dev="ens2f0"/>',
    );
    expect((await validateLibvirtXml(runner, xml, 'network')).valid).toBe(false);
    const { err } = await defineAndDump('vfleet-physnet2', xml);
    expect(err).toMatch(/Only one <pf> element is allowed/);
  });
});

describe('libvirt pools and VFs with a vDPA device', () => {
  // node-s: ens3f0 (switchdev) has libvirt-pool VFs 4 (vDPA) and 5, ens3f1 (legacy) VFs 2 and 3.
  const pools = libvirtPools(switchdevHosts);

  it('leaves vDPA VFs out, switchdev VFs in a pool of their own, which libvirt defines', async () => {
    expect(pools.map((p) => p.name)).toEqual(['vfleet-physnet2', 'vfleet-physnet2-switchdev']);
    const addresses: Record<string, string[]> = {
      'vfleet-physnet2': [
        "<address type='pci' domain='0x0000' bus='0x3b' slot='0x01' function='0x2'/>",
        "<address type='pci' domain='0x0000' bus='0x3b' slot='0x01' function='0x3'/>",
      ],
      'vfleet-physnet2-switchdev': [
        "<address type='pci' domain='0x0000' bus='0x3b' slot='0x00' function='0x7'/>",
      ],
    };
    for (const pool of pools) {
      expect(pool.xml).not.toContain('<pf');
      const check = await validateLibvirtXml(runner, pool.xml, 'network');
      expect(check.output).toMatch(/validates$/);
      const { out, err } = await defineAndDump(pool.name, pool.xml);
      expect(err).toBe('');
      expect(out.match(/<address type='pci'[^>]*>/g)).toEqual(addresses[pool.name]);
    }
  });

  it('names each vDPA VF with the interface a guest uses, which libvirt takes in a domain', async () => {
    const notes = libvirtVdpaNotes(switchdevHosts);
    const iface = vdpaInterfaceXml('/dev/vhost-vdpa-2');
    expect(notes).toEqual([expect.stringContaining(`0000:3b:00.6 ${iface}`)]);
    expect(libvirtVdpaNotes(exampleHosts)).toEqual([]);
    const domain = (devices: string) =>
      `<domain type='test'><name>vdpa-guest</name><memory unit='MiB'>128</memory><os><type>hvm</type></os><devices>${devices}</devices></domain>`;
    expect((await validateLibvirtXml(runner, domain(iface), 'domain')).output).toMatch(
      /validates$/,
    );
    const file = path.join(dir, 'vdpa-guest.xml');
    await writeFile(file, domain(iface));
    const r = await runner.run('virsh', [
      '-c',
      'test:///default',
      `define --file ${file}; dumpxml --domain vdpa-guest`,
    ]);
    expect(r.stderr.trim()).toBe('');
    expect(r.stdout).toMatch(
      /<interface type='vdpa'>\s*<mac address='[^']+'\/>\s*<source dev='\/dev\/vhost-vdpa-2'\/>/,
    );
    // ...and refuses the form without its device (the check can fail).
    const bare = domain(iface.replace(/<source[^>]*>/, ''));
    expect((await validateLibvirtXml(runner, bare, 'domain')).valid).toBe(false);
  });
});
