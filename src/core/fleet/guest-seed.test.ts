import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createExecRunner } from '../../adapters/exec/exec-runner.js';
import { renderGuestSeed, seedIfname, type GuestSeedInput } from './guest-seed.js';

/**
 * The seed is checked by its real consumer, cloud-init (Debian package
 * `cloud-init`, installed by scripts/setup): `cloud-init schema` validates
 * the user-data, and `cloud-init devel net-convert` turns the
 * network-config into systemd-networkd files as a guest would.
 */
const runner = createExecRunner({ path: process.env.PATH });

const input: GuestSeedInput = {
  kind: 'router',
  instanceId: '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
  instanceName: 'edge_rtr.1',
  ports: [
    {
      network: 'blue',
      vnicType: 'direct',
      mac: 'fa:16:3e:00:00:01',
      addresses: ['10.0.1.1/24', '2001:db8:1::1/64'],
    },
    { network: 'red', vnicType: 'direct', mac: 'fa:16:3e:00:00:02', addresses: ['10.0.2.1/24'] },
    { network: 'spare', vnicType: 'macvtap', mac: 'fa:16:3e:00:00:04', addresses: [] },
    { network: 'mgmt.net', vnicType: 'normal', mac: 'fa:16:3e:00:00:03', addresses: [] },
    { network: 'whole', vnicType: 'direct-physical', mac: null, addresses: [] },
  ],
};

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vfleet-seed-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('renderGuestSeed (router)', () => {
  const seed = renderGuestSeed(input);

  it('user-data passes cloud-init schema and turns forwarding on', async () => {
    expect(seed.userData.startsWith('#cloud-config\n')).toBe(true);
    const file = join(dir, 'user-data');
    await writeFile(file, seed.userData);
    const r = await runner.run('cloud-init', ['schema', '--config-file', file]);
    expect(r.stdout + r.stderr).toContain('Valid cloud-config');
    expect(r.exitCode).toBe(0);
    const doc = parse(seed.userData) as { write_files: { content: string }[] };
    const sysctl = doc.write_files[0]?.content ?? '';
    expect(sysctl).toContain('net.ipv4.ip_forward = 1');
    expect(sysctl).toContain('net.ipv6.conf.all.forwarding = 1');
    expect(sysctl).toContain('net.ipv4.conf.all.rp_filter = 2');
  });

  it('cloud-init schema does refuse a broken user-data (so the check above can fail)', async () => {
    const file = join(dir, 'bad-user-data');
    await writeFile(file, '#cloud-config\nwrite_files: 7\n');
    const r = await runner.run('cloud-init', ['schema', '--config-file', file]);
    expect(r.exitCode).not.toBe(0);
  });

  it('network-config: cloud-init renders each port by its MAC with its addresses', async () => {
    const file = join(dir, 'network-config');
    await writeFile(file, seed.networkConfig);
    const out = join(dir, 'networkd');
    const r = await runner.run('cloud-init', [
      'devel',
      'net-convert',
      '--network-data',
      file,
      '--kind',
      'yaml',
      '--distro',
      'debian',
      '--directory',
      out,
      '--output-kind',
      'networkd',
    ]);
    // cloud-init warns (keeps going) on keys it does not know: none may be left.
    expect(r.stderr).not.toMatch(/warn|error|traceback/i);
    expect(r.exitCode).toBe(0);
    const unitDir = join(out, 'etc/systemd/network');
    const units = new Map<string, string>();
    for (const f of await readdir(unitDir)) units.set(f, await readFile(join(unitDir, f), 'utf8'));
    const unit = (name: string) => {
      const text = [...units].find(([f]) => f.includes(name))?.[1];
      if (text === undefined)
        throw new Error(`no networkd unit for ${name}: ${[...units.keys()].join(', ')}`);
      return text;
    };
    const blue = unit('p0-blue');
    expect(blue).toMatch(/MACAddress=fa:16:3e:00:00:01/i);
    expect(blue).toContain('Address=10.0.1.1/24');
    expect(blue).toContain('Address=2001:db8:1::1/64');
    expect(unit('p1-red')).toContain('Address=10.0.2.1/24');
    expect(unit('p3-mgmt-net')).toMatch(/DHCP=ipv4/);
    expect(unit('p2-spare')).not.toMatch(/DHCP=(ipv4|yes)|^Address=/m);
    // The whole PF has no MAC vfleet knows: it is not matched at all.
    expect([...units.keys()].some((f) => f.includes('whole'))).toBe(false);
  });

  it('meta-data names the instance; the host name is one a guest accepts', () => {
    expect(parse(seed.metaData)).toEqual({
      'instance-id': input.instanceId,
      'local-hostname': 'edge-rtr-1',
    });
  });

  it('interface names fit Linux (15 bytes) and say port and network', () => {
    expect(seedIfname(3, 'a-very-long-network-name')).toBe('p3-a-very-long-');
    expect(seedIfname(12, 'x.y')).toBe('p12-x-y');
  });
});
