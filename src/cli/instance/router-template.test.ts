import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodeInfo, VfleetError } from '../../core/errors.js';
import { startCliController, type CliController } from '../../testing/cli-controller.js';
import { fleetCli } from '../../testing/fleet-cli.js';
import { joinHost } from '../../testing/fleet-sim.js';
import { httpFleet } from '../../testing/http-fleet.js';
import { applyRouterTemplate } from './router-template.js';

const fieldOf = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    if (e instanceof VfleetError) return e.details.field;
    throw e;
  }
  return 'no error';
};

describe('applyRouterTemplate', () => {
  const boot = { image: 'vm.qcow2' };

  it('fills size, one NUMA node, hugepages auto, the router seed; spoof checking on every port', () => {
    const body = applyRouterTemplate({
      name: 'r',
      ports: [{ network: 'blue' }, { network: 'red', trusted: true }],
      boot,
    });
    expect(body).toEqual({
      name: 'r',
      vcpus: 2,
      memoryMb: 2048,
      numaPolicy: 'required',
      ports: [
        { network: 'blue', spoofchk: true },
        { network: 'red', trusted: true, spoofchk: true },
      ],
      boot: { image: 'vm.qcow2', hugepages: 'auto', guestConfig: 'router' },
    });
  });

  it('keeps what the operator gave: size, legacy policy, hugepages, spoofchk=off', () => {
    const body = applyRouterTemplate({
      vcpus: 4,
      memoryMb: 1024,
      numaPolicy: 'legacy',
      ports: [{ network: 'blue', spoofchk: false }],
      boot: { ...boot, hugepages: 'off' },
    });
    expect(body).toMatchObject({
      vcpus: 4,
      memoryMb: 1024,
      numaPolicy: 'legacy',
      ports: [{ network: 'blue', spoofchk: false }],
      boot: { hugepages: 'off', guestConfig: 'router' },
    });
  });

  it('refuses what is no router on VFs, naming the option', () => {
    const port = (p: object) => () => applyRouterTemplate({ ports: [p], boot });
    expect(fieldOf(port({ network: 'blue', vnicType: 'normal' }))).toBe('port');
    expect(fieldOf(port({ network: 'blue', vnicType: 'direct-physical' }))).toBe('port');
    expect(fieldOf(() => applyRouterTemplate({ ports: [], boot }))).toBe('port');
    const preferred = () =>
      applyRouterTemplate({ numaPolicy: 'preferred', ports: [{ network: 'blue' }], boot });
    expect(fieldOf(preferred)).toBe('numa-policy');
  });
});

describe('vfleet instance boot --template router, instance cloud-init', () => {
  let c: CliController;
  let cli: (...argv: string[]) => ReturnType<typeof fleetCli>;

  beforeAll(async () => {
    c = await startCliController();
    const admin = await c.admin();
    const api = httpFleet(c.url, admin);
    for (const [path, body] of [
      ['/v1/physnets', { name: 'p1', vlanRanges: [{ min: 100, max: 199 }] }],
      ['/v1/specs', { name: 'igb', driver: 'igb', physnet: 'p1', numVfs: 4 }],
      ['/v1/networks', { name: 'blue', physnet: 'p1', tenant: 'acme' }],
      ['/v1/networks', { name: 'red', physnet: 'p1', tenant: 'acme' }],
    ] as const) {
      const r = await api.call('POST', path, admin, body);
      if (r.status !== 201) throw new Error(`${path}: ${r.status}`);
    }
    await joinHost(api, { name: 'node0', pfs: 2, vfsPerPf: 4, vfDriver: 'vfio-pci' });
    cli = (...argv) => fleetCli([...argv, '--controller', c.url, '--token', admin], c.env);
  }, 60_000);
  afterAll(() => c.close());

  it('boots a router with the defaults and hands out its seed', async () => {
    const boot = await cli(
      'instance',
      'boot',
      'rtr',
      '--tenant',
      'acme',
      '--template',
      'router',
      '--port',
      'blue,address=10.0.1.1/24',
      '--port',
      'red,address=10.0.2.1/24,address=2001:db8:2::1/64',
      '--image',
      'vm.qcow2',
      '--no-wait',
      '-o',
      'json',
    );
    expect(boot.exitCode, boot.stderr).toBe(0);
    const inst = JSON.parse(boot.stdout) as {
      vcpus: number;
      memoryMb: number;
      numaPolicy: string;
      ports: { mac: string; spoofchk: boolean; pf: string }[];
    };
    expect([inst.vcpus, inst.memoryMb, inst.numaPolicy]).toEqual([2, 2048, 'required']);
    expect(inst.ports.map((p) => p.spoofchk)).toEqual([true, true]);

    const seed = await cli('instance', 'cloud-init', 'rtr');
    expect(seed.exitCode, seed.stderr).toBe(0);
    expect(seed.stdout).toContain('==> network-config <==');
    expect(seed.stdout).toContain(`macaddress: ${inst.ports[1]?.mac ?? '?'}`);
    expect(seed.stdout).toContain('- 2001:db8:2::1/64');

    const dir = join(c.env.dataDir, 'seed');
    const out = await cli('instance', 'cloud-init', 'rtr', '--out', dir);
    expect(out.exitCode, out.stderr).toBe(0);
    expect(await readFile(join(dir, 'user-data'), 'utf8')).toMatch(/^#cloud-config\n/);
    expect(await readFile(join(dir, 'meta-data'), 'utf8')).toContain('local-hostname: rtr');
    expect(await readFile(join(dir, 'network-config'), 'utf8')).toContain('- 10.0.1.1/24');
  }, 60_000);

  it('refuses a bridge port under the template, and a bad address, naming them', async () => {
    const base = ['instance', 'boot', 'bad', '--tenant', 'acme', '--image', 'vm.qcow2'];
    const bridge = await cli(...base, '--template', 'router', '--port', 'blue,vnic=normal');
    expect(bridge.exitCode).toBe(errorCodeInfo.INVALID_INPUT.exitCode);
    expect(bridge.stderr).toMatch(/VF ports only.*\[field: port\]/);
    const addr = await cli(...base, '--template', 'router', '--port', 'blue,address=10.0.1.1');
    expect(addr.exitCode).toBe(errorCodeInfo.INVALID_INPUT.exitCode);
    expect(addr.stderr).toMatch(/prefix length.*ports\[0\]\.addresses\[0\]/);
    const spoof = await cli(
      ...base,
      '--vcpus',
      '1',
      '--memory-mb',
      '64',
      '--port',
      'blue,vnic=normal,spoofchk=off',
    );
    expect(spoof.exitCode).toBe(errorCodeInfo.INVALID_INPUT.exitCode);
    expect(spoof.stderr).toMatch(/spoof checking is a VF setting.*ports\[0\]\.spoofchk/);
  }, 60_000);
});
