import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodeInfo } from '../core/errors.js';
import { startCliController, type CliController } from '../testing/cli-controller.js';
import { fleetCli, fleetTestEnv, launchCli, type FleetTestEnv } from '../testing/fleet-cli.js';
import { basicCatalog, joinHost, type FleetApi } from '../testing/fleet-sim.js';
import { httpFleet } from '../testing/http-fleet.js';

/**
 * `vfleet events` against `vfleet controller` run by the CLI: the table,
 * the filters, JSON, --follow ended by Ctrl-C with exit 0, and the same
 * events as lines of the controller's log.
 */
let c: CliController;
let env: FleetTestEnv;
let api: FleetApi;
const cli = (...argv: string[]) => fleetCli(argv, env);

beforeAll(async () => {
  c = await startCliController();
  api = httpFleet(c.url, await c.admin());
  env = await fleetTestEnv({ url: c.url, token: await c.admin() });
  await basicCatalog(api, 4);
  await joinHost(api, { name: 'node1', pfs: 1, vfsPerPf: 4 });
}, 120_000);

afterAll(async () => {
  await env.cleanup();
  await c.close();
});

describe('vfleet events', () => {
  it('prints TIME KIND HOST SUBJECT MESSAGE, oldest first', async () => {
    const r = await cli('events');
    expect(r).toMatchObject({ exitCode: 0, stderr: '' });
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TIME {18}KIND {23}HOST {14}SUBJECT {11}MESSAGE$/);
    expect(lines.slice(1)).toHaveLength(3);
    expect(lines[1]).toMatch(
      /Z {2}network-created {12}- {17}blue {14}network blue \(tenant acme\) created: physnet p1, VLAN 100$/,
    );
    expect(lines[2]).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ {2}host-joined {16}node1 {13}node1 {13}host node1 joined: 1 SR-IOV PF\(s\), 4 VF\(s\), healthy$/,
    );
    expect(lines[3]).toMatch(
      /Z {2}spec-applied {15}node1 {13}igb {15}host node1 matches its specs: ens16 4 VFs \(igb\)$/,
    );
  });

  it('filters by --kind and --host, keeps the newest --limit, and prints JSON', async () => {
    const spec = await cli('events', '--kind', 'spec-applied', '-o', 'json');
    const items = JSON.parse(spec.stdout) as { kind: string; host: string }[];
    expect(items).toMatchObject([{ kind: 'spec-applied', host: 'node1' }]);
    expect((await cli('events', '--host', 'node9')).stdout).toMatch(/^TIME\s+KIND.*\n$/);
    const last = await cli('events', '--limit', '1');
    expect(last.stdout.trimEnd().split('\n').slice(1)).toEqual([
      expect.stringContaining('spec-applied'),
    ]);
    const bad = await cli('events', '--limit', '0');
    expect(bad.exitCode).toBe(errorCodeInfo.INVALID_INPUT.exitCode);
    expect(bad.stderr).toContain('--limit: "0" is not a whole number from 1 to 1000');
    const kind = await cli('events', '--kind', 'exploded');
    expect(kind.exitCode).toBe(errorCodeInfo.INVALID_INPUT.exitCode);
    expect(kind.stderr).toContain('spec-applied');
  });

  it('--follow prints events as they happen until Ctrl-C, then exits 0', async () => {
    const follow = launchCli(['events', '-f', '--kind', 'refused'], env);
    await follow.waitFor(/^TIME\s+KIND/);
    const r = await api.call('POST', '/v1/networks', api.admin, {
      name: 'red',
      physnet: 'p1',
      vlan: 100,
    });
    expect(r.status).toBe(409);
    const line = await follow.waitFor(/refused .*\n/, 10_000);
    expect(line[0]).toContain(
      'POST /v1/networks refused 409 CONFLICT: VLAN 100 on physnet p1 is already taken by network blue of tenant acme',
    );
    const t0 = Date.now();
    env.stop();
    const done = await follow.done;
    expect(done).toMatchObject({ exitCode: 0, stderr: '' });
    expect(Date.now() - t0).toBeLessThan(2_000);
  });

  it("each event is also one line of the controller's log, its fields as JSON's", () => {
    // Not a terminal: the log is JSON lines (--log-format), each event one of them.
    const events = (c.ctl.stdout() + c.ctl.stderr())
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => typeof l.event === 'number');
    expect(events).toContainEqual(
      expect.objectContaining({
        level: 'info',
        kind: 'host-joined',
        host: 'node1',
        subject: 'node1',
        msg: 'host node1 joined: 1 SR-IOV PF(s), 4 VF(s), healthy',
      }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({
        kind: 'refused',
        subject: 'POST /v1/networks',
        msg: expect.stringMatching(/^POST \/v1\/networks refused 409 CONFLICT/) as unknown,
      }),
    );
  });
});
