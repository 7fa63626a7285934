import { writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { errorCodeInfo } from '../core/errors.js';
import { startCliController, type CliController } from '../testing/cli-controller.js';
import { fleetCli } from '../testing/fleet-cli.js';
import type { FleetApi } from '../testing/fleet-sim.js';
import { joinHost } from '../testing/fleet-sim.js';
import { httpFleet } from '../testing/http-fleet.js';

/** `vfleet controller` started by the CLI on 127.0.0.1, driven by the CLI's API commands. */
let c: CliController;
let api: FleetApi;

const cli = (...argv: string[]) => fleetCli([...argv, '--controller', c.url], c.env);
const json = async <T>(...argv: string[]): Promise<T> => {
  const r = await cli(...argv, '-o', 'json');
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  return JSON.parse(r.stdout) as T;
};
/** A port nothing listens on: bound once by us, then closed. */
const closedPort = () =>
  new Promise<number>((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as AddressInfo).port;
      srv.close(() => {
        resolve(port);
      });
    });
  });
const exit = (code: keyof typeof errorCodeInfo) => errorCodeInfo[code].exitCode;

beforeAll(async () => {
  c = await startCliController();
  const admin = await c.admin();
  api = httpFleet(c.url, admin);
}, 60_000);

afterAll(() => c.close());

describe('vfleet fleet commands against a running controller', () => {
  it('finds the local controller and its admin token without --controller or --token', async () => {
    const r = await fleetCli(['physnet', 'list', '-o', 'json'], c.env);
    expect(r).toEqual({ exitCode: 0, stdout: '[]\n', stderr: '' });
  });

  it('prints where the controller listens, the dashboard, its storage and the admin token file', () => {
    expect(c.ctl.stdout()).toContain(
      `controller: ${c.url} (API docs ${c.url}/docs)\ndashboard: ${c.url}/\n`,
    );
    expect(c.ctl.stdout()).toContain(`storage: PGlite in ${join(c.env.dataDir, 'pglite')}`);
    expect(c.ctl.stdout()).toContain(
      `admin token: ${join(c.env.dataDir, 'admin-token')} (created now)`,
    );
  });

  it('declares physnets, specs and networks, in table, json and yaml', async () => {
    const p = await cli(
      'physnet',
      'create',
      'p1',
      '--vlan-range',
      '100-199',
      '--vlan-range',
      '300',
    );
    expect(p.exitCode).toBe(0);
    expect(p.stdout).toMatch(/^PHYSNET\s+VLAN RANGES\np1\s+100-199,300-300\n$/);
    const spec = await json<{ numVfs: number; vfDriver: string; driver: string }>(
      'spec',
      'create',
      'igb',
      '--physnet',
      'p1',
      '--num-vfs',
      '4',
      '--driver',
      'igb',
      // A kernel VF driver: the macvtap port below sits on the VF's netdev.
      '--vf-driver',
      'igbvf',
    );
    expect(spec).toMatchObject({ numVfs: 4, vfDriver: 'igbvf', driver: 'igb' });
    const y = await cli(
      'network',
      'create',
      'blue',
      '--physnet',
      'p1',
      '--tenant',
      'acme',
      '-o',
      'yaml',
    );
    expect(parseYaml(y.stdout)).toMatchObject({ name: 'blue', tenant: 'acme', vlan: 100 });
    const list = await cli('network');
    expect(list.stdout.split('\n')[0]).toMatch(/^NETWORK\s+ID\s+TENANT\s+PHYSNET\s+VLAN$/);
    expect(list.stdout).toMatch(/\nblue\s+\S+\s+acme\s+p1\s+100\n/);
    expect((await cli('spec', 'show', 'igb')).stdout).toMatch(
      /igb\s+\S+\s+driver=igb\s+p1\s+vfleet\s+off\s+4\s+igbvf/,
    );
  });

  it('lists, shows and labels the hosts agents reported (vfleet hosts)', async () => {
    // Its VFs on igbvf, as the spec declares.
    await joinHost(api, {
      name: 'node1',
      pfs: 2,
      vfsPerPf: 4,
      labels: { rack: 'r1' },
      vfDriver: 'igbvf',
    });
    const hosts = await json<{ id: string; ready: boolean; health: string }[]>('hosts', 'list');
    expect(hosts).toEqual([
      expect.objectContaining({ id: 'node1', ready: true, health: 'healthy' }),
    ]);
    await json('hosts', 'label', 'node1', 'zone=a', 'tier=gold');
    const after = await json<{ labels: unknown }>('hosts', 'label', 'node1', 'tier-');
    expect(after.labels).toEqual({ rack: 'r1', zone: 'a' });
    const show = await cli('hosts', 'show', 'node1');
    expect(show.stdout).toMatch(
      // A simulated agent reports no link or IOMMU group: each shows as `-`.
      /PF ens16 0000:10:00\.0 {2}driver igb {2}link - {2}numa 0 {2}spec igb {2}VFs 0\/4 in use \(max 7\)\n {2}VF .*\n {2}0\s+0000:10:10\.0\s+free\s+igbvf\s+(-\s+){6}p1/,
    );
    expect(show.stdout).toContain('zone=a');
  });

  it('creates an instance with --port, lists its ports in request order, releases it', async () => {
    const macs = [
      'fa:16:3e:00:00:04',
      'fa:16:3e:00:00:01',
      'fa:16:3e:00:00:03',
      'fa:16:3e:00:00:02',
    ];
    const inst = await json<{
      host: string;
      ports: { mac: string; vlan: number; vnicType: string; pciAddress: string }[];
    }>(
      'instance',
      'create',
      'vm1',
      '--vcpus',
      '2',
      '--memory-mb',
      '512',
      '--tenant',
      'acme',
      '--port',
      `blue,mac=${macs[0]?.toUpperCase() ?? ''}`,
      '--port',
      `blue,vnic=macvtap,mac=${macs[1] ?? ''}`,
      '--port',
      `blue,mac=${macs[2] ?? ''}`,
      '--port',
      `blue,mac=${macs[3] ?? ''}`,
    );
    expect(inst.host).toBe('node1');
    // The answer lines up with the request: port i is what ports[i] asked for.
    expect(inst.ports.map((p) => [p.mac, p.vnicType, p.vlan])).toEqual(
      macs.map((m, i) => [m, i === 1 ? 'macvtap' : 'direct', 100]),
    );
    expect(new Set(inst.ports.map((p) => p.pciAddress)).size).toBe(4);
    const again = await json<{ ports: { mac: string }[] }>('instance', 'show', 'vm1');
    expect(again.ports.map((p) => p.mac)).toEqual(macs);
    const show = await cli('instance', 'show', 'vm1');
    expect(show.stdout).toContain(inst.ports[0]?.pciAddress ?? '?');
    expect(show.stdout).toContain('security groups cannot apply');
    expect(await json<unknown[]>('port', 'list')).toHaveLength(4);
    const port = await cli('port', 'show', 'FA:16:3E:00:00:01');
    expect(port.stdout).toMatch(/blue\s+100\s+macvtap\s+fa:16:3e:00:00:01\s+node1/);
    const del = await cli('instance', 'delete', 'vm1');
    expect(del.exitCode).toBe(0);
    expect(del.stdout).toContain('4 VF(s) are reset by the agent');
    expect(await json<unknown[]>('instance', 'list')).toEqual([]);
  });

  it('takes the request body from a YAML file, options overriding it', async () => {
    const file = join(c.env.dataDir, 'vm.yaml');
    await writeFile(
      file,
      'name: from-file\nvcpus: 1\nmemoryMb: 64\ntenant: acme\nports:\n  - network: blue\n',
    );
    const inst = await json<{ name: string; ports: unknown[] }>(
      'instance',
      'create',
      'vm2',
      '-f',
      file,
    );
    expect(inst.name).toBe('vm2');
    expect(inst.ports).toHaveLength(1);
    expect((await cli('instance', 'delete', 'vm2')).exitCode).toBe(0);
  });

  it("exits with the code of the API's error, naming the field", async () => {
    const vlan = await cli('network', 'create', 'bad', '--physnet', 'p1', '--vlan', '4095');
    expect(vlan.exitCode).toBe(exit('INVALID_INPUT'));
    expect(vlan.stderr).toBe(
      'vfleet: error: --vlan: "4095" is not a VLAN id (1-4094) [field: vlan] (INVALID_INPUT)\n',
    );
    const mac = await cli(
      'instance',
      'create',
      'x',
      '--vcpus',
      '1',
      '--memory-mb',
      '1',
      '--tenant',
      'acme',
      '--port',
      'blue,mac=zz',
    );
    expect(mac.exitCode).toBe(exit('INVALID_INPUT'));
    expect(mac.stderr).toContain('[field: ports[0].mac]');
    const many = Array.from({ length: 9 }, () => ['--port', 'blue']).flat();
    const full = await cli(
      'instance',
      'create',
      'big',
      '--vcpus',
      '1',
      '--memory-mb',
      '1',
      '--tenant',
      'acme',
      ...many,
    );
    expect(full.exitCode).toBe(exit('NO_CAPACITY'));
    expect(full.stderr).toContain('(NO_CAPACITY)');
    expect((await cli('instance', 'show', 'nosuch')).exitCode).toBe(exit('NOT_FOUND'));
    expect((await cli('physnet', 'create', 'p1')).exitCode).toBe(exit('CONFLICT'));
    const badPort = await cli('instance', 'create', 'x', '--port', 'mac=1');
    expect(badPort).toMatchObject({ exitCode: exit('INVALID_INPUT') });
    expect(badPort.stderr).toContain('[field: port]');
    const noAuth = await cli('hosts', '--token', 'vfl_wrong');
    expect(noAuth.exitCode).toBe(exit('UNAUTHORIZED'));
    expect(noAuth.stderr).toContain('unknown or revoked token');
    const closed = `http://127.0.0.1:${await closedPort()}`;
    const down = await fleetCli(['hosts', '--controller', closed], c.env);
    expect(down.exitCode).toBe(exit('MISSING_DEPENDENCY'));
    expect(down.stderr).toContain(`cannot reach the controller at ${closed}: ECONNREFUSED`);
  });

  it('creates a token whose secret is printed once; a tenant sees its own; revoked is out', async () => {
    const t = await json<{ token: string; role: string }>(
      'token',
      'create',
      'ops',
      '--role',
      'tenant',
      '--tenant',
      'other',
    );
    expect(t.role).toBe('tenant');
    expect((await cli('token', 'list')).stdout).not.toContain(t.token);
    expect(
      (await cli('network', 'create', 'red', '--physnet', 'p1', '--token', t.token)).exitCode,
    ).toBe(0);
    const seen = await json<{ name: string }[]>('network', 'list', '--token', t.token);
    expect(seen.map((n) => n.name)).toEqual(['red']);
    const forbidden = await cli('hosts', '--token', t.token);
    expect(forbidden.exitCode).toBe(exit('FORBIDDEN'));
    expect((await cli('token', 'delete', 'ops')).stdout).toBe('token ops revoked\n');
    expect((await cli('network', '--token', t.token)).exitCode).toBe(exit('UNAUTHORIZED'));
  });

  it('creates a token with the trusted domain policy only when asked', async () => {
    const t = await json<{ domainPolicy: string }>(
      'token',
      'create',
      'ops2',
      '--role',
      'admin',
      '--domain-policy',
      'trusted',
    );
    expect(t.domainPolicy).toBe('trusted');
    const plain = await json<{ domainPolicy: string }>(
      'token',
      'create',
      'ops3',
      '--role',
      'admin',
    );
    expect(plain.domainPolicy).toBe('tenant');
    const bad = await cli('token', 'create', 'ops4', '--role', 'admin', '--domain-policy', 'root');
    expect(bad.exitCode).toBe(exit('INVALID_INPUT'));
    expect(bad.stderr).toContain('[field: domainPolicy]');
    expect((await cli('token', 'list')).stdout).toMatch(/ops2 .* trusted/);
  });
});

describe('vfleet controller shutdown', () => {
  it('stops on SIGTERM and exits 0', async () => {
    c.env.stop();
    const r = await c.ctl.done;
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('vfleet: SIGTERM: shutting down');
    await expect(fetch(`${c.url}/healthz`)).rejects.toThrow();
  });
});
