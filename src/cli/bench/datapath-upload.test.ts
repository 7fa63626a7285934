import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatapathReport } from '../../core/datapath/datapath-report.js';
import { startTestController, type TestController } from '../../testing/e2e-kit.js';
import { fleetCli, fleetTestEnv, type FleetTestEnv } from '../../testing/fleet-cli.js';
import { buildFixtureHost, type FixtureHost } from '../../testing/fixture-host.js';
import { createPktgenSim } from '../../testing/pktgen-sim.js';

// `bench datapath --upload`: the report a run printed is the one the
// controller keeps for the host, stored with the host agent's own token.
const PF = '0000:03:00.0';
const ARGS = ['bench', 'datapath', '--paths', 'vf', '--frame-sizes', '64', '--duration', '1'];

describe('vfleet bench datapath --upload', () => {
  let ctl: TestController;
  let env: FleetTestEnv;
  let host: FixtureHost;
  let agentToken = '';

  beforeAll(async () => {
    ctl = await startTestController('pglite');
    agentToken = await ctl.api.token('agent', { host: 'hv-a' });
    const reg = await ctl.api.call('POST', '/v1/agent/register', agentToken, { host: 'hv-a' });
    expect(reg.status).toBe(200);
    env = await fleetTestEnv();
    host = await buildFixtureHost({
      hostname: 'hv-a',
      kernel: '6.1.0-28-amd64',
      pfs: [{ pciAddress: PF, ifname: 'eth0', vfs: [{ netdev: 'eth2' }, { netdev: 'eth3' }] }],
    });
  }, 60_000);
  afterAll(async () => {
    await ctl.close();
    await env.cleanup();
    await host.cleanup();
  });

  const run = async (...more: string[]) => {
    const sim = await createPktgenSim(host, { lossAt: (pps) => (pps <= 100_000 ? 0 : 0.05) });
    const fixture = { ...host, runner: sim.runner };
    return fleetCli([...ARGS, '--host-root', host.root, ...more], env, { fixture });
  };

  it('stores the printed report under the host, with the agent token', async () => {
    const r = await run('-o', 'json', '--upload', '--controller', ctl.url, '--token', agentToken);
    expect(r.exitCode, r.stderr).toBe(0);
    const printed = JSON.parse(r.stdout) as DatapathReport;
    expect(printed.host).toBe('hv-a');
    expect(r.stderr).toMatch(/uploaded: report \S+ for host hv-a/);
    const latest = await ctl.api.call('GET', '/v1/hosts/hv-a/datapath-reports/latest', agentToken);
    expect(latest.status).toBe(200);
    expect((latest.body as { report: unknown }).report).toEqual(printed);
  });

  it('names the host the controller does not know, after printing the report', async () => {
    const r = await run(
      '--host',
      'hv-x',
      '--upload',
      '--controller',
      ctl.url,
      '--token',
      agentToken,
    );
    expect(r.stdout).toContain('host       hv-x');
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/hv-x/);
  });
});
