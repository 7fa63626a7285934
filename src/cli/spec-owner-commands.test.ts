import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodeInfo } from '../core/errors.js';
import { appFleetEnv } from '../testing/app-fleet-env.js';
import { startHarness } from '../testing/controller-harness.js';
import type { Harness } from '../testing/controller-harness.js';
import type { FleetTestEnv } from '../testing/fleet-cli.js';
import { fleetCli } from '../testing/fleet-cli.js';
import { joinHost } from '../testing/fleet-sim.js';

/** `vfleet spec create|update --owner/--bandwidth` and the OWNER columns, against an in-process controller. */
let h: Harness;
let env: FleetTestEnv;

const cli = (...argv: string[]) => fleetCli(argv, env);
const exit = (code: keyof typeof errorCodeInfo) => errorCodeInfo[code].exitCode;
const PF = '0000:10:00.0';

beforeAll(async () => {
  h = await startHarness('pglite');
  env = await appFleetEnv(h);
  expect((await cli('physnet', 'create', 'p1', '--vlan-range', '100-199')).exitCode).toBe(0);
  await joinHost(h, { name: 'node1', pfs: 1, vfsPerPf: 4 });
}, 60_000);

afterAll(async () => {
  await env.cleanup();
  await h.close();
});

/** The cells of the table row that starts with `first`, split on runs of two spaces. */
const row = (table: string, first: string) =>
  table
    .split('\n')
    .find((l) => l.trimStart().startsWith(`${first} `))
    ?.trim()
    .split(/\s{2,}/);

describe('vfleet spec --owner', () => {
  it('creates specs of two owners and shows the owner in spec and host tables', async () => {
    const base = ['--physnet', 'p1', '--num-vfs', '4'];
    const ours = await cli('spec', 'create', 'ours', '--pf', `${PF}#0-1`, ...base);
    expect(ours).toMatchObject({ exitCode: 0, stderr: '' });
    const nova = await cli(
      'spec',
      'create',
      'nova',
      '--pf',
      `${PF}#2-3`,
      ...base,
      '--owner',
      'openstack',
      '--bandwidth',
      '25000:10000',
    );
    expect(nova).toMatchObject({ exitCode: 0, stderr: '' });
    const list = (await cli('spec', 'list')).stdout;
    expect(list.split('\n')[0]).toMatch(/\bOWNER\b.*\bBANDWIDTH\b/);
    expect(row(list, 'nova')).toEqual(expect.arrayContaining(['openstack', '25000/10000 Mb/s']));
    expect(row(list, 'ours')).toContain('vfleet');

    // The reported VFs are tagged as the specs are stored: 0-1 vfleet's, 2-3 OpenStack's.
    const show = (await cli('hosts', 'show', 'node1')).stdout;
    const header = show.split('\n').find((l) => l.trimStart().startsWith('VF '));
    expect(header).toMatch(/\bPHYSNET\s+OWNER\b/);
    expect(row(show, '0')).toContain('vfleet');
    expect(row(show, '3')).toContain('openstack');

    const clash = await cli(
      'spec',
      'create',
      'k8s',
      '--pf',
      `${PF}#1-2`,
      ...base,
      '--owner',
      'kubernetes',
    );
    expect(clash.exitCode).toBe(exit('CONFLICT'));
    expect(clash.stderr).toContain(
      'spec k8s (owner kubernetes) and spec ours (owner vfleet) both select VF 1 of PF 0000:10:00.0 on host node1',
    );
  });

  it('changes the owner and bandwidth by update; refuses an unknown owner naming the option', async () => {
    const up = await cli('spec', 'update', 'nova', '--owner', 'libvirt-pool', '--no-bandwidth');
    expect(up).toMatchObject({ exitCode: 0, stderr: '' });
    const cells = row(up.stdout, 'nova');
    expect(cells).toContain('libvirt-pool');
    expect(cells).not.toContain('25000/10000 Mb/s');

    const bad = await cli(
      'spec',
      'create',
      'x',
      '--pf',
      PF,
      '--physnet',
      'p1',
      '--num-vfs',
      '4',
      '--owner',
      'nova',
    );
    expect(bad.exitCode).toBe(exit('INVALID_INPUT'));
    expect(bad.stderr).toContain(
      '--owner: "nova" is not an owner; use one of vfleet, openstack, kubernetes, libvirt-pool',
    );
    const slow = await cli('spec', 'update', 'nova', '--bandwidth', '0');
    expect(slow.exitCode).toBe(exit('INVALID_INPUT'));
    expect(slow.stderr).toContain(
      '--bandwidth: "0" needs whole numbers of Mbit/s from 1 to 10000000',
    );
    const help = await cli('spec', 'create', '--help');
    expect(help.stdout).toContain('vfleet|openstack|kubernetes|libvirt-pool');
  });
});
