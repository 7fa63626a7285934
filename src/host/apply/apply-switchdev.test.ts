import { afterEach, describe, expect, it } from 'vitest';
import { parseHostState } from '../../core/desired-state.js';
import { vdpaNameFor } from '../../core/plan/compute-plan.js';
import type { FixtureHost } from '../../testing/fixture-host.js';
import { buildFixtureHost } from '../../testing/fixture-host.js';
import { realClock } from '../../testing/real-clock.js';
import { createSimulatedKernelFs } from '../../testing/simulated-kernel-fs.js';
import { switchdevSim } from '../../testing/switchdev-sim.js';
import { scanHost } from '../scan.js';
import { applyHostState } from './apply-host-state.js';

let host: FixtureHost | undefined;
afterEach(async () => {
  await host?.cleanup();
  host = undefined;
});

const PF = '0000:08:00.0';
const fast = { pollMs: 5, vfWaitMs: 2000 };

async function mlx5Host(vfs: number) {
  host = await buildFixtureHost({
    pfs: [
      {
        pciAddress: PF,
        vendorId: '15b3',
        deviceId: '101d',
        vfDeviceId: '101e',
        driver: 'mlx5_core',
        vfDriver: 'mlx5_core',
        ifname: 'ens1f0np0',
        totalVfs: 8,
        vfs,
      },
    ],
  });
  const kernel = createSimulatedKernelFs(host);
  const sim = switchdevSim(host, { fs: kernel.fs, runner: host.runner });
  await sim.init();
  return { h: host, sim, io: { fs: sim.fs, runner: sim.runner, clock: realClock } };
}

const STATE = parseHostState({
  pfs: [
    {
      pciAddress: PF,
      numVfs: 2,
      eswitchMode: 'switchdev',
      hwTcOffload: true,
      vfs: [{ index: 1, vdpa: { mac: '02:00:00:00:0d:01' } }],
    },
  ],
});

describe('applyHostState: switchdev and vDPA (mlx5-shaped fixture)', () => {
  it('takes mlx5 to switchdev with its VFs unbound around the change, then offload and a vDPA device on vhost_vdpa', async () => {
    const { h, sim, io } = await mlx5Host(2);
    const report = await applyHostState(STATE, io, fast);
    expect(report.steps.filter((s) => s.status !== 'ok')).toEqual([]);
    expect(report.converged).toBe(true);
    expect(report.steps.map((s) => s.target)).toEqual([
      'unbind',
      'unbind',
      'eswitch',
      'reprobe',
      'reprobe',
      'hwTcOffload',
      'vdpa',
    ]);
    const vf1 = (await scanHost(io)).pfs[0]?.vfs[1]?.pciAddress ?? '';
    expect(sim.changes()).toEqual([
      ['devlink', 'dev', 'eswitch', 'set', `pci/${PF}`, 'mode', 'switchdev'],
      ['ethtool', '-K', 'ens1f0np0', 'hw-tc-offload', 'on'],
      [
        'vdpa',
        'dev',
        'add',
        'name',
        vdpaNameFor(vf1),
        'mgmtdev',
        `pci/${vf1}`,
        'mac',
        '02:00:00:00:0d:01',
      ],
    ]);
    const pf = (await scanHost(io)).pfs[0];
    expect(pf?.eswitchMode).toBe('switchdev');
    expect(pf?.hwTcOffload).toBe(true);
    expect(pf?.vfs.map((v) => [v.driver, v.representor])).toEqual([
      ['mlx5_core', 'ens1f0np0_0'],
      ['mlx5_core', 'ens1f0np0_1'],
    ]);
    expect(pf?.vfs[1]?.vdpa).toEqual({
      name: vdpaNameFor(vf1),
      charDev: '/dev/vhost-vdpa-0',
      driver: 'vhost_vdpa',
      mac: '02:00:00:00:0d:01',
    });
    // Converged: a second apply changes nothing.
    const again = await applyHostState(STATE, io, fast);
    expect(again.plan.changes).toBe(0);
    expect(h).toBeDefined();
  });

  it('creates the VFs first when there are none, and refuses to unbind VFs in use unless forced', async () => {
    const { io } = await mlx5Host(0);
    const r = await applyHostState(STATE, io, fast);
    expect(r.converged).toBe(true);
    expect(r.steps.map((s) => s.target).slice(0, 3)).toEqual(['numVfs', 'wait', 'unbind']);

    // Back to legacy with a VF netdev up (a host interface in use): refused, nothing changed.
    const inv = await scanHost(io);
    const nd = inv.pfs[0]?.vfs[0]?.netdev ?? '';
    await io.runner.run('ip', ['link', 'set', 'dev', nd, 'up']);
    const legacy = parseHostState({ pfs: [{ pciAddress: PF, numVfs: 2, eswitchMode: 'legacy' }] });
    await expect(applyHostState(legacy, io, fast)).rejects.toThrow(/would be rebound.*is up/s);
    expect((await scanHost(io)).pfs[0]?.eswitchMode).toBe('switchdev');
    const forced = await applyHostState(legacy, io, { ...fast, force: true });
    expect(forced.converged).toBe(true);
    expect((await scanHost(io)).pfs[0]?.vfs.map((v) => v.representor)).toEqual([null, null]);
  });
});
