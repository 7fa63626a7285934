import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodeInfo } from '../core/errors.js';
import { startCliController, type CliController } from '../testing/cli-controller.js';
import { fleetCli } from '../testing/fleet-cli.js';
import { joinHost } from '../testing/fleet-sim.js';
import { httpFleet } from '../testing/http-fleet.js';

/** `vfleet spec create --whole-pf` and direct-physical ports, through a CLI-started controller. */
let c: CliController;

const cli = (...argv: string[]) => fleetCli([...argv, '--controller', c.url], c.env);

beforeAll(async () => {
  c = await startCliController();
}, 60_000);

afterAll(() => c.close());

describe('whole PFs from the CLI', () => {
  it('declares a whole-PF spec, claims the PF for a direct-physical port and shows it', async () => {
    expect((await cli('physnet', 'create', 'p1', '--vlan-range', '100-199')).exitCode).toBe(0);
    const bad = await cli(
      'spec',
      'create',
      'bad',
      '--pf',
      '0000:11:00.0',
      '--physnet',
      'p1',
      '--whole-pf',
      '--num-vfs',
      '2',
    );
    expect(bad.exitCode).toBe(errorCodeInfo.INVALID_INPUT.exitCode);
    // The API's refusal, told in the options' words.
    expect(bad.stderr).toMatch(/--num-vfs: must be 0 when wholePf is true.*\[field: num-vfs\]/);
    const noSelector = await cli('spec', 'create', 'bad', '--physnet', 'p1', '--num-vfs', '2');
    expect(noSelector.exitCode).toBe(errorCodeInfo.INVALID_INPUT.exitCode);
    expect(noSelector.stderr).toContain(
      'give at least one of --vendor, --device, --driver, --pci-address or --pf',
    );
    const noCount = await cli('spec', 'create', 'bad', '--physnet', 'p1', '--vendor', '8086');
    expect(noCount.stderr).toContain('--num-vfs is required (or --whole-pf');
    const spec = await cli(
      'spec',
      'create',
      'whole',
      '--pf',
      '0000:11:00.0',
      '--physnet',
      'p1',
      '--whole-pf',
    );
    expect(spec.exitCode).toBe(0);
    expect(spec.stdout).toMatch(
      /whole\s+\S+\s+pf=0000:11:00\.0\s+p1\s+vfleet\s+off\s+0\s+vfio-pci\s+whole PF/,
    );
    expect(
      (await cli('network', 'create', 'blue', '--physnet', 'p1', '--tenant', 'acme')).exitCode,
    ).toBe(0);

    const admin = await c.admin();
    await joinHost(httpFleet(c.url, admin), { name: 'node1', pfs: 2, vfsPerPf: 0 });
    const inst = await cli(
      'instance',
      'create',
      'vm1',
      '--vcpus',
      '1',
      '--memory-mb',
      '64',
      '--tenant',
      'acme',
      '--port',
      'blue,vnic=direct-physical',
    );
    expect(inst.exitCode).toBe(0);
    expect(inst.stdout).toMatch(
      /direct-physical\s+\(the PF's own\)\s+node1\s+0000:11:00\.0 \(whole PF\)/,
    );
    expect(inst.stdout).toContain('note: the whole PF is handed to the guest');
    expect((await cli('port', 'list')).stdout).toContain('0000:11:00.0 (whole PF)');
    expect((await cli('hosts', 'show', 'node1')).stdout).toMatch(
      /0000:11:00\.0 .*spec whole {2}offered whole: reserved p1 \(owner vfleet\)\n {2}held by instance vm1 \(tenant acme, network blue, VLAN \d+\)\n/,
    );

    const del = await cli('instance', 'delete', 'vm1');
    expect(del.stdout).toContain('0 VF(s) are reset by the agent before reuse, 1 whole PF(s)');
    expect((await cli('hosts', 'show', 'node1')).stdout).toMatch(
      /0000:11:00\.0 .*offered whole: free \(releasing\) p1 \(owner vfleet\)\n/,
    );
  });
});
