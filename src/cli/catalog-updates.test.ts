import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodeInfo } from '../core/errors.js';
import { appFleetEnv } from '../testing/app-fleet-env.js';
import { startHarness } from '../testing/controller-harness.js';
import type { Harness } from '../testing/controller-harness.js';
import type { FleetTestEnv } from '../testing/fleet-cli.js';
import { fleetCli } from '../testing/fleet-cli.js';
import { basicCatalog, joinHost } from '../testing/fleet-sim.js';

/** `vfleet spec|physnet|network update` against an in-process controller (its app as fetch). */
let h: Harness;
let env: FleetTestEnv;

const cli = (...argv: string[]) => fleetCli(argv, env);
const json = async <T>(...argv: string[]): Promise<T> => {
  const r = await cli(...argv, '-o', 'json');
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  return JSON.parse(r.stdout) as T;
};
const exit = (code: keyof typeof errorCodeInfo) => errorCodeInfo[code].exitCode;

beforeAll(async () => {
  h = await startHarness('pglite');
  await basicCatalog(h, 4);
  await joinHost(h, { name: 'node1', pfs: 1, vfsPerPf: 4 });
  const inst = await h.call('POST', '/v1/instances', h.admin, {
    name: 'vm',
    vcpus: 1,
    memoryMb: 64,
    tenant: 'acme',
    ports: [{ network: 'blue', mac: 'fa:16:3e:00:00:07' }],
  });
  expect(inst.status).toBe(201);
  env = await appFleetEnv(h);
}, 60_000);

afterAll(async () => {
  await env.cleanup();
  await h.close();
});

describe('vfleet ... update', () => {
  it('physnet update replaces the ranges, never leaving out a network VLAN', async () => {
    const ok = await cli('physnet', 'update', 'p1', '--vlan-range', '100,120-129');
    expect(ok).toMatchObject({ exitCode: 0, stderr: '' });
    expect(ok.stdout).toMatch(/^PHYSNET\s+VLAN RANGES\np1\s+100-100,120-129\n$/);
    const cut = await cli('physnet', 'update', 'p1', '--vlan-range', '150-199');
    expect(cut.exitCode).toBe(exit('CONFLICT'));
    expect(cut.stderr).toMatch(
      /^vfleet: error: --vlan-range: .*acme\/blue \(VLAN 100\).*\[field: vlan-range\] \(CONFLICT\)\n$/,
    );
    const none = await cli('physnet', 'update', 'p1');
    expect(none.exitCode).toBe(exit('INVALID_INPUT'));
    const bad = await cli('physnet', 'update', 'p1', '--vlan-range', '100-x');
    expect(bad).toMatchObject({ exitCode: exit('INVALID_INPUT') });
    expect(bad.stderr).toContain('[field: vlan-range]');
  });

  it('network update renames by name, and refuses a move while ports use it', async () => {
    const net = await json<{ name: string; vlan: number }>(
      'network',
      'update',
      'blue',
      '--name',
      'navy',
    );
    expect(net).toMatchObject({ name: 'navy', vlan: 100 });
    const moved = await cli('network', 'update', 'navy', '--vlan', '120');
    expect(moved.exitCode).toBe(exit('CONFLICT'));
    expect(moved.stderr).toContain('fa:16:3e:00:00:07');
    const zero = await cli('network', 'update', 'navy', '--vlan', '0');
    expect(zero.exitCode).toBe(exit('INVALID_INPUT'));
    expect(zero.stderr).toContain('[field: vlan]');
    const empty = await cli('network', 'update', 'navy');
    expect(empty.exitCode).toBe(exit('INVALID_INPUT'));
    expect(empty.stderr).toContain('nothing to change');
    expect((await cli('network', 'update', 'nosuch', '--name', 'x')).exitCode).toBe(
      exit('NOT_FOUND'),
    );
  });

  it('spec update changes the fields given; --no-X drops a selector', async () => {
    const s = await json<{ name: string; trusted: boolean; driver: string; vendor: string | null }>(
      'spec',
      'update',
      'igb',
      '--name',
      'igb2',
      '--trusted',
      '--vendor',
      '8086',
    );
    expect(s).toMatchObject({ name: 'igb2', trusted: true, driver: 'igb', vendor: '8086' });
    const dropped = await json<{ driver: string | null; vendor: string }>(
      'spec',
      'update',
      'igb2',
      '--no-driver',
    );
    expect(dropped).toMatchObject({ driver: null, vendor: '8086' });
    const bare = await cli('spec', 'update', 'igb2', '--no-vendor');
    expect(bare.exitCode).toBe(exit('INVALID_INPUT'));
    expect(bare.stderr).toContain('[field: vendor]');
    const held = await cli('spec', 'update', 'igb2', '--num-vfs', '2');
    expect(held.exitCode).toBe(exit('CONFLICT'));
    expect(held.stderr).toMatch(/take 1 VF\(s\) from the ports holding them: node1 /);
    const table = await cli('spec', 'update', 'igb2', '--no-trusted');
    expect(table.stdout).toMatch(/igb2\s+\S+\s+8086:\*\s+p1\s+vfleet\s+off\s+4\s+vfio-pci/);
  });
});
