import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodeInfo } from '../core/errors.js';
import { startCliController, type CliController } from '../testing/cli-controller.js';
import { fleetCli } from '../testing/fleet-cli.js';
import { applyDesired, basicCatalog, joinHost, type FleetApi } from '../testing/fleet-sim.js';
import { httpFleet } from '../testing/http-fleet.js';

/** `vfleet hosts cordon|uncordon|drain`, `vfleet allocation` and `vfleet rollout` against `vfleet controller`. */
let c: CliController;
let api: FleetApi;
const agents = new Map<string, string>();

const cli = (...argv: string[]) => fleetCli([...argv, '--controller', c.url], c.env);
const json = async <T>(...argv: string[]): Promise<T> => {
  const r = await cli(...argv, '-o', 'json');
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  return JSON.parse(r.stdout) as T;
};

beforeAll(async () => {
  c = await startCliController();
  api = httpFleet(c.url, await c.admin());
  await basicCatalog(api, 2);
  for (const [i, name] of ['m1', 'm2'].entries())
    agents.set(
      name,
      await joinHost(api, { name, pfs: 1, vfsPerPf: 2, labels: { rack: 'a' } }, 0x10 + i),
    );
}, 60_000);
afterAll(() => c.close());

describe('day-2 commands', () => {
  it('cordons and uncordons a host, shown as kubectl shows a node', async () => {
    const r = await cli('hosts', 'cordon', 'm1', '--reason', 'fan swap');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^host m1 cordoned \(fan swap\) since \S+: no new instances\n$/);
    expect((await cli('hosts', 'list')).stdout).toMatch(/\nm1\s+healthy,cordoned\s/);
    expect((await cli('hosts', 'show', 'm1')).stdout).toMatch(/cordon\s+since \S+: fan swap/);
    expect((await cli('hosts', 'uncordon', 'm1')).stdout).toBe(
      'host m1 uncordoned: it takes new instances again\n',
    );
  });

  it('sets, lists and deletes allocation rules, naming the option at fault', async () => {
    const set = await cli(
      'allocation',
      'set',
      'rack-a',
      '--selector',
      'rack=a',
      '--cpu-ratio',
      '0.5',
      '--reserved-cpus',
      '0-1',
    );
    expect(set.exitCode, set.stderr).toBe(0);
    expect(set.stdout).toMatch(/rack-a\s+rack=a\s+0\.5\s+1\s+0-1\s+0/);
    expect(await json<{ name: string }[]>('allocation', 'list')).toMatchObject([
      { name: 'rack-a', cpuRatio: 0.5, reservedCpus: [0, 1] },
    ]);
    expect((await cli('hosts', 'show', 'm1')).stdout).toMatch(
      /allocation\s+vCPUs node0:7 node1:8 \(x0\.5\), memory - MiB \(x1\), kept for the host: CPUs 0-1; rule rack-a/,
    );
    const bad = await cli('allocation', 'set', 'bad', '--cpu-ratio', '0');
    expect(bad.exitCode).toBe(errorCodeInfo.INVALID_INPUT.exitCode);
    expect(bad.stderr).toContain('--cpu-ratio');
    expect((await cli('allocation', 'delete', 'rack-a')).stdout).toBe(
      'allocation rule rack-a deleted\n',
    );
    expect(await json('allocation', 'list')).toEqual([]);
  });

  it('rolls a spec change out in waves and follows it; drains an empty host at once', async () => {
    const update = await cli(
      'spec',
      'update',
      'igb',
      '--num-vfs',
      '3',
      '--max-unavailable',
      '1',
      '--canary',
      '0',
    );
    expect(update.exitCode, update.stderr).toBe(0);
    const id = /^rollout (\S+): follow it with/.exec(update.stderr)?.[1] ?? '';
    expect(id).not.toBe('');
    // The agents apply whatever they are given; the controller's passes release the waves.
    let state = 'running';
    for (let i = 0; i < 60 && state === 'running'; i++) {
      for (const [name, agent] of agents) await applyDesired(api, agent, name);
      state = (await json<{ state: string }>('rollout', 'show', id)).state;
      if (state === 'running') await new Promise((r) => setTimeout(r, 250));
    }
    expect(state).toBe('done');
    const show = await cli('rollout', 'show', id);
    expect(show.stdout).toMatch(/state\s+done/);
    expect(show.stdout).toMatch(/\nm1\s+1\s+done\s/);
    expect(show.stdout).toMatch(/\nm2\s+2\s+done\s/);
    expect((await cli('rollout', 'list')).stdout).toMatch(
      new RegExp(`${id}\\s+igb\\s+done\\s+2\\s+1\\s+0\\s+2 done`),
    );
    const missing = await cli('rollout', 'pause', '00000000-0000-0000-0000-000000000000');
    expect(missing.exitCode).toBe(errorCodeInfo.NOT_FOUND.exitCode);

    const drain = await cli('hosts', 'drain', 'm2', '--wait', '--max-parallel', '1');
    expect(drain.exitCode, drain.stderr).toBe(0);
    expect(drain.stdout).toMatch(/state\s+drained/);
    expect(drain.stdout).toMatch(/message\s+no instance left on the host: ready for maintenance/);
    expect((await cli('hosts', 'uncordon', 'm2')).exitCode).toBe(0);
  }, 60_000);
});
