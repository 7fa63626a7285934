import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { errorCodeInfo } from '../core/errors.js';
import type { FixtureHost } from '../testing/fixture-host.js';
import { buildFixtureHost } from '../testing/fixture-host.js';
import type { FleetTestEnv } from '../testing/fleet-cli.js';
import { fleetCli, fleetTestEnv, launchCli } from '../testing/fleet-cli.js';
import { httpFleet } from '../testing/http-fleet.js';
import { createSimulatedKernelFs } from '../testing/simulated-kernel-fs.js';

let env: FleetTestEnv | undefined;
let host: FixtureHost | undefined;
afterEach(async () => {
  env?.stop();
  await env?.cleanup();
  await host?.cleanup();
  env = host = undefined;
});

async function until(what: string, probe: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const PF = '0000:3b:00.0';

describe('vfleet up', () => {
  it("runs a controller and this host's agent; the host applies a spec; SIGTERM stops both", async () => {
    env = await fleetTestEnv();
    host = await buildFixtureHost({ hostname: 'hv1', pfs: [{ pciAddress: PF, numaNode: 0 }] });
    const kernel = createSimulatedKernelFs(host);
    const at = { fixture: host, hostFs: kernel.fs };
    const argv = [
      'up',
      '--listen',
      '127.0.0.1:0',
      '--host-root',
      host.root,
      '--label',
      'rack=r9',
      '--metrics-listen',
      '127.0.0.1:0',
    ];
    const up = launchCli(argv, env, at);
    const url = (await up.waitFor(/controller: (http:\/\/127\.0\.0\.1:\d+)/))[1] ?? '';
    await up.waitFor(/agent: host hv1 joined/);
    const tokenFile = join(env.dataDir, 'admin-token');
    expect(up.stdout()).toContain(`admin token: ${tokenFile} (created now)`);
    expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);
    const api = httpFleet(url, (await readFile(tokenFile, 'utf8')).trim());

    const detail = async () => (await api.call('GET', '/v1/hosts/hv1', api.admin)).body;
    await until('hv1 to report', async () => Array.isArray((await detail()).pfs));
    expect((await detail()).labels).toEqual({ rack: 'r9' });
    for (const [path, body] of [
      ['/v1/physnets', { name: 'p1', vlanRanges: [{ min: 10, max: 20 }] }],
      ['/v1/specs', { name: 's', pf: PF, physnet: 'p1', numVfs: 3 }],
    ] as const)
      expect((await api.call('POST', path, api.admin, body)).status).toBe(201);
    await until('the spec applied', async () => {
      const d = (await detail()) as { ready: boolean; pfs: { numVfs: number }[] };
      return d.ready && d.pfs[0]?.numVfs === 3;
    });
    expect(kernel.writes()[0]).toEqual({
      path: `/sys/bus/pci/devices/${PF}/sriov_numvfs`,
      value: '3',
    });
    // --metrics-listen passes through `up` to the agent: the 3 new VFs' counters, once scanned.
    const metrics = (await up.waitFor(/agent metrics: (http:\/\/127\.0\.0\.1:\d+\/metrics)/))[1];
    await until('the VFs on the agent metrics', async () => {
      const text = await (await fetch(metrics ?? '')).text();
      return text.match(/^vfleet_vf_receive_bytes_total\{/gm)?.length === 3;
    });
    // The controller's log: JSON lines (not a terminal), a request id answered and logged,
    // the token's name in the line and never its secret.
    const echoed = await fetch(`${url}/v1/hosts/hv1`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${api.admin}`, 'x-request-id': 'up-test-1' },
      body: '{}',
    });
    expect(echoed.headers.get('x-request-id')).toBe('up-test-1');
    const jsonLines = () =>
      up
        .stderr()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    const requestLine = () => jsonLines().find((l) => l.reqId === 'up-test-1');
    await until('the request logged', () => Promise.resolve(requestLine() !== undefined));
    const logged = requestLine();
    expect(logged).toMatchObject({ method: 'PATCH', route: '/v1/hosts/:id', host: 'hv1' });
    expect(typeof logged?.token).toBe('string');
    expect(up.stderr()).not.toContain(api.admin);
    // The agent's lines are structured too, naming its host.
    expect(jsonLines()).toContainEqual(
      expect.objectContaining({
        level: 'info',
        service: 'vfleet-agent',
        host: 'hv1',
        msg: expect.stringMatching(/^libvirt: /) as unknown,
      }),
    );

    env.stop();
    const r = await up.done;
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('vfleet: SIGTERM: shutting down');
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();

    // Again on the same data dir: same admin token, and the agent token of the first run revoked.
    const again = launchCli(argv, env, at);
    const url2 = (await again.waitFor(/controller: (http:\/\/\S+)/))[1] ?? '';
    await again.waitFor(/agent: host hv1 joined/);
    expect(again.stdout()).toMatch(/admin token: \S+admin-token\n/);
    const tokens = (await httpFleet(url2, api.admin).call('GET', '/v1/tokens', api.admin)).body
      .items as { name: string }[];
    expect(tokens.filter((t) => t.name === 'up-agent-hv1')).toHaveLength(1);
    env.stop();
    expect((await again.done).exitCode).toBe(0);
  }, 60_000);
});

describe('vfleet agent', () => {
  it('exits with UNAUTHORIZED at once when the controller refuses its token', async () => {
    env = await fleetTestEnv();
    host = await buildFixtureHost({ hostname: 'hv2', pfs: [{ pciAddress: PF }] });
    const ctl = launchCli(['controller', '--listen', '127.0.0.1:0'], env);
    const url = (await ctl.waitFor(/controller: (http:\/\/\S+)/))[1] ?? '';
    const file = join(env.dataDir, 'agent-token');
    await writeFile(file, 'vfl_not-a-token\n');
    const argv = ['agent', '--controller', url, '--token-file', file, '--host-root', host.root];
    const r = await fleetCli(argv, env, { fixture: host });
    expect(r.exitCode).toBe(errorCodeInfo.UNAUTHORIZED.exitCode);
    expect(r.stderr).toContain('unknown or revoked token (UNAUTHORIZED)');
    env.stop();
    expect((await ctl.done).exitCode).toBe(0);
  }, 60_000);

  /** `up` and `agent` with the same options both refuse them before starting anything. */
  async function refusedByUpAndAgent(common: string[], stderr: string): Promise<void> {
    if (env === undefined || host === undefined) throw new Error('no fleet test env or host');
    for (const argv of [
      ['up', '--listen', '127.0.0.1:0', ...common],
      ['agent', '--token', 't', '--controller', 'http://127.0.0.1:1', ...common],
    ]) {
      const r = await fleetCli(argv, env, { fixture: host });
      expect(r.exitCode).toBe(errorCodeInfo.INVALID_INPUT.exitCode);
      expect(r.stderr).toBe(stderr);
      expect(r.stdout).toBe('');
    }
  }

  it('rejects an --image-dir that is not a folder before starting anything', async () => {
    env = await fleetTestEnv();
    host = await buildFixtureHost({ hostname: 'hv3', pfs: [] });
    await refusedByUpAndAgent(
      ['--host-root', host.root, '--image-dir', '/srv/nope'],
      `vfleet: error: --image-dir: /srv/nope is not a folder under --host-root ${host.root}; ` +
        'create it, or leave the option out for the default [field: image-dir] (INVALID_INPUT)\n',
    );
  });

  it('rejects a --seed-dir inside the image store before starting anything', async () => {
    env = await fleetTestEnv();
    host = await buildFixtureHost({ hostname: 'hv4', pfs: [] });
    await mkdir(join(host.root, 'srv/images'), { recursive: true });
    // A folder in the image store as the seed folder: seeds would be listed as images.
    const dirs = ['--image-dir', '/srv/images', '--seed-dir', '/srv/images/seeds'];
    await refusedByUpAndAgent(
      ['--host-root', host.root, ...dirs],
      'vfleet: error: --seed-dir: /srv/images/seeds is inside the image store (--image-dir /srv/images), ' +
        'whose files are listed as images a tenant can name as a disk; ' +
        'choose a folder outside it, or a hidden (dot) folder in it [field: seed-dir] (INVALID_INPUT)\n',
    );
  });

  it('rejects a bad --listen and --label before starting anything', async () => {
    env = await fleetTestEnv();
    const listen = await fleetCli(['controller', '--listen', 'localhost'], env);
    expect(listen.exitCode).toBe(errorCodeInfo.INVALID_INPUT.exitCode);
    expect(listen.stderr).toContain('--listen: "localhost" is not HOST:PORT');
    const label = await fleetCli(['agent', '--token', 't', '--label', 'rack'], env);
    expect(label.exitCode).toBe(errorCodeInfo.INVALID_INPUT.exitCode);
    expect(label.stderr).toContain('[field: label]');
  });
});
