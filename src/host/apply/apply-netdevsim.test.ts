import { afterEach, describe, expect, it } from 'vitest';
import { parseHostState } from '../../core/desired-state.js';
import type { FixtureHost } from '../../testing/fixture-host.js';
import { buildFixtureHost } from '../../testing/fixture-host.js';
import { netdevsimSim } from '../../testing/netdevsim-sim.js';
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

const DEVICE = 'netdevsim/netdevsim1';
const fast = { pollMs: 5, vfWaitMs: 2000 };

/** An igb PF (left alone by every state here) and netdevsim1, as `echo "1 1" > new_device` makes it. */
async function nsimHost() {
  host = await buildFixtureHost({
    pfs: [{ pciAddress: '0000:01:00.0', driver: 'igb', ifname: 'eth0', vfs: 0 }],
  });
  const kernel = createSimulatedKernelFs(host);
  const sw = switchdevSim(host, { fs: kernel.fs, runner: host.runner });
  const nsim = netdevsimSim(host, sw);
  const ifname = await nsim.add(1);
  const io = { fs: nsim.fs, runner: nsim.runner, clock: realClock };
  const device = async () => (await scanHost(io)).nonPciPfs.find((p) => p.device === DEVICE);
  return { h: host, nsim, sw, ifname, io, device };
}

const STATE = parseHostState({
  pfs: [
    {
      device: DEVICE,
      numVfs: 3,
      eswitchMode: 'switchdev',
      hwTcOffload: true,
      vfs: [
        { index: 0, mac: '02:00:00:00:0a:01', vlan: 100, qos: 2 },
        { range: '1-2', spoofchk: true, trust: true, state: 'disable' },
      ],
    },
  ],
});

describe('applyHostState: a PF off PCI (netdevsim), selected by device', () => {
  it('makes the VFs, then switchdev, then each VF setting through the netdev, and verifies', async () => {
    const { h, nsim, sw, ifname, io, device } = await nsimHost();
    const report = await applyHostState(STATE, io, fast);
    expect(report.steps.filter((s) => s.status !== 'ok')).toEqual([]);
    expect(report.converged).toBe(true);
    expect(report.steps.map((s) => [s.pf, s.vf, s.target])).toEqual([
      [DEVICE, null, 'link'],
      [DEVICE, null, 'numVfs'],
      [DEVICE, null, 'eswitch'],
      [DEVICE, 0, 'mac'],
      [DEVICE, 0, 'vlan'],
      ...[1, 2].flatMap((vf) => [
        [DEVICE, vf, 'spoofchk'],
        [DEVICE, vf, 'trust'],
        [DEVICE, vf, 'state'],
      ]),
      [DEVICE, null, 'hwTcOffload'],
    ]);
    // Written where the kernel takes it; devlink and ethtool by the device's handle and netdev.
    const writes = (await h.commands()).filter((c) => c.argv[0] === 'batch').map((c) => c.argv[1]);
    expect(writes).toContain(`link set dev ${ifname} vf 0 vlan 100 qos 2`);
    expect(nsim.changes()).toEqual([
      ['devlink', 'dev', 'eswitch', 'set', DEVICE, 'mode', 'switchdev'],
    ]);
    expect(sw.changes()).toEqual([['ethtool', '-K', ifname, 'hw-tc-offload', 'on']]);
    const d = await device();
    expect(d).toMatchObject({ numVfs: 3, eswitchMode: 'switchdev', hwTcOffload: true });
    expect(d?.vfs.map((v) => [v.mac, v.vlan, v.qos, v.spoofchk, v.trust, v.linkState])).toEqual([
      ['02:00:00:00:0a:01', 100, 2, false, false, 'auto'],
      ['00:00:00:00:00:00', 0, 0, true, true, 'disable'],
      ['00:00:00:00:00:00', 0, 0, true, true, 'disable'],
    ]);
    expect(d?.vfs.every((v) => v.representor !== null)).toBe(true);
    // Converged: planned again, nothing to do, nothing run.
    const again = await applyHostState(STATE, io, fast);
    expect(again.plan.changes).toBe(0);
    expect(again.steps).toEqual([]);
  });

  it('puts switchdev back after a count change through 0, which drops netdevsim to legacy', async () => {
    const { io, device } = await nsimHost();
    expect((await applyHostState(STATE, io, fast)).converged).toBe(true);
    const fewer = parseHostState({ pfs: [{ device: DEVICE, numVfs: 2 }] });
    const r = await applyHostState(fewer, io, fast);
    expect(r.plan.devices[0]?.eswitch).toEqual({ from: 'legacy', to: 'switchdev', order: 'any' });
    expect(r.steps.map((s) => [s.action, s.status])).toEqual([
      ['numVfs 3 -> 0', 'ok'],
      ['numVfs 0 -> 2', 'ok'],
      ['eswitch legacy -> switchdev', 'ok'],
    ]);
    expect(r.converged).toBe(true);
    const d = await device();
    expect(d).toMatchObject({ numVfs: 2, eswitchMode: 'switchdev' });
    // netdevsim keeps each VF's settings across the count (they live with the device).
    expect(d?.vfs[0]?.vlan).toBe(100);
  });

  it('sets VF rates in legacy mode; in switchdev mode refuses them before changing anything', async () => {
    const { io, device } = await nsimHost();
    const rated = (eswitchMode: string, maxTxRate: number) =>
      parseHostState({
        pfs: [{ device: DEVICE, numVfs: 1, eswitchMode, vfs: [{ index: 0, maxTxRate }] }],
      });
    const r = await applyHostState(rated('legacy', 100), io, fast);
    expect(r.converged).toBe(true);
    expect((await device())?.vfs[0]?.maxTxRate).toBe(100);
    await expect(applyHostState(rated('switchdev', 200), io, fast)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      details: { field: 'pfs[0].vfs[0].maxTxRate' },
    });
    expect((await device())?.eswitchMode).toBe('legacy');
    // A rate the VF already has is no change: switchdev then keeps it.
    const kept = await applyHostState(rated('switchdev', 100), io, fast);
    expect(kept.converged).toBe(true);
    expect(await device()).toMatchObject({ eswitchMode: 'switchdev', vfs: [{ maxTxRate: 100 }] });
  });

  it('reports a count above the device maximum as a failed step, and skips its VF settings', async () => {
    const { io } = await nsimHost();
    const many = parseHostState({
      pfs: [{ device: DEVICE, numVfs: 5, vfs: [{ index: 4, vlan: 7 }] }],
    });
    const r = await applyHostState(many, io, fast);
    expect(r.converged).toBe(false);
    expect(r.steps.map((s) => [s.target, s.status])).toEqual([
      ['link', 'ok'],
      ['numVfs', 'failed'],
      ['vfs', 'skipped'],
    ]);
    expect(r.steps[1]?.detail).toContain('ENOMEM');
  });
});
