import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodeInfo } from '../core/errors.js';
import { appFleetEnv } from '../testing/app-fleet-env.js';
import { startHarness } from '../testing/controller-harness.js';
import type { Harness } from '../testing/controller-harness.js';
import type { FleetTestEnv } from '../testing/fleet-cli.js';
import { fleetCli } from '../testing/fleet-cli.js';
import { basicCatalog, joinHost } from '../testing/fleet-sim.js';
import { parseQuotaDefaults } from './quota-defaults-arg.js';

/** `vfleet quota` against an in-process controller (its app as fetch). */
let h: Harness;
let env: FleetTestEnv;
const cli = (...argv: string[]) => fleetCli(argv, env);

beforeAll(async () => {
  h = await startHarness('pglite');
  await basicCatalog(h, 4);
  await joinHost(h, { name: 'node1', pfs: 1, vfsPerPf: 4 });
  env = await appFleetEnv(h);
}, 60_000);

afterAll(async () => {
  await env.cleanup();
  await h.close();
});

describe('vfleet quota', () => {
  it('set, show and list; an instance past the quota exits QUOTA_EXCEEDED', async () => {
    const set = await cli('quota', 'set', 'acme', '--instances', '1', '--vfs', 'unlimited');
    expect(set).toMatchObject({ exitCode: 0, stderr: '' });
    expect(set.stdout).toMatch(/acme\s+instances\s+0\s+1\s+1\n/);
    expect(set.stdout).toMatch(/acme\s+vfs\s+0\s+unlimited\s+unlimited\n/);
    expect(set.stdout).toMatch(/acme\s+vlans on p1 \(of 100\)\s+1\s+50\s+default\n/);
    const list = await cli('quota', 'list');
    expect(list.stdout).toMatch(
      /^TENANT\s+INSTANCES\s+VFS\s+NETWORKS\s+VLANS\/PHYSNET\nacme\s+1\s+unlimited\s+default\s+default\n$/,
    );
    const vm = ['instance', 'create', 'vm1', '--vcpus', '1', '--memory-mb', '64'];
    expect((await cli(...vm, '--tenant', 'acme', '--port', 'blue')).exitCode).toBe(0);
    const over = await cli(
      ...vm.slice(0, 2),
      'vm2',
      ...vm.slice(3),
      '--tenant',
      'acme',
      '--port',
      'blue',
    );
    expect(over.exitCode).toBe(errorCodeInfo.QUOTA_EXCEEDED.exitCode);
    expect(over.exitCode).toBe(15);
    expect(over.stderr).toContain('holds 1 of at most 1 instance(s)');
    const json = await cli('quota', 'show', 'acme', '-o', 'json');
    expect(JSON.parse(json.stdout)).toMatchObject({ instances: { limit: 1, usage: 1 } });
    await cli('quota', 'set', 'acme', '--instances', 'default', '--vfs', 'default');
    expect((await cli('quota', 'list', '-o', 'json')).stdout).toBe('[]\n');
    const bad = await cli('quota', 'set', 'acme', '--instances', 'lots');
    expect(bad.exitCode).toBe(errorCodeInfo.INVALID_INPUT.exitCode);
    expect(bad.stderr).toContain('[field: instances]');
    expect((await cli('quota', 'set', 'acme')).exitCode).toBe(errorCodeInfo.INVALID_INPUT.exitCode);
  }, 60_000);

  it('--default-quota reads counts, a VLAN share and unlimited', () => {
    expect(
      parseQuotaDefaults(['instances=5', 'vfs=unlimited', 'vlan-share=0.25', 'networks=0']),
    ).toEqual({ instances: 5, vfs: null, vlanShare: 0.25, networks: 0 });
    for (const bad of ['instances', 'cpus=4', 'vlan-share=0', 'vlan-share=1.5', 'vfs=-1'])
      expect(() => parseQuotaDefaults([bad])).toThrow(/--default-quota/);
  });
});
