import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExecRunner } from '../../adapters/exec/exec-runner.js';
import { validateLibvirtXml } from '../../adapters/virsh/virt-xml-validate.js';
import { libvirtPools } from './libvirt-pools.js';
import { exampleHosts } from './owned-devices-examples.js';

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
