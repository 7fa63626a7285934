import { createExecRunner } from '../adapters/exec/exec-runner.js';
import { parseHostState } from '../core/desired-state.js';
import { applyHostState } from '../host/apply/apply-host-state.js';
import { buildFixtureHost } from '../testing/fixture-host.js';
import { realClock } from '../testing/real-clock.js';
import { createSimulatedKernelFs } from '../testing/simulated-kernel-fs.js';
import { round } from './stats.js';

const VFS = 128;
const PF = '0000:3b:00.0';

/**
 * Processes spawned (and sysfs writes made) to apply 128 VF changes: VFs
 * created on an ice-like PF, each given a MAC, a VLAN with QoS, trust and a
 * rate; then the same state again, which must spawn no changing command.
 */
export async function applyProcessBench() {
  const host = await buildFixtureHost({
    pfs: [
      {
        pciAddress: PF,
        ifname: 'ens1f0',
        driver: 'ice',
        vfDriver: 'iavf',
        totalVfs: 256,
        offset: 8,
        stride: 1,
      },
    ],
  });
  try {
    await host.files.dir('/sys/bus/pci/drivers/iavf'); // the VF driver module is loaded
    const spawned: string[][] = [];
    const runner = createExecRunner({
      path: host.path,
      env: process.env,
      onSpawn: (command, args) => spawned.push([command, ...args]),
    });
    const kernel = createSimulatedKernelFs(host);
    const hex = (i: number) => i.toString(16).padStart(2, '0');
    const state = parseHostState({
      pfs: [
        {
          pciAddress: PF,
          numVfs: VFS,
          vfDriver: 'kernel',
          vfs: Array.from({ length: VFS }, (_, i) => ({
            index: i,
            mac: `fa:16:3e:00:01:${hex(i)}`,
            vlan: 100 + i,
            qos: 1,
            trust: i % 2 === 0,
            maxTxRate: 1000,
          })),
        },
      ],
    });
    const io = { fs: kernel.fs, runner, clock: realClock };
    const t0 = performance.now();
    const first = await applyHostState(state, io);
    const firstMs = performance.now() - t0;
    const firstSpawns = spawned.splice(0);
    const writes = kernel.writes().length;
    const second = await applyHostState(state, io);
    const secondSpawns = spawned.splice(0);
    const summarize = (list: string[][]) => list.map((a) => a.slice(0, 3).join(' '));
    return {
      vfChanges: VFS,
      converged: first.converged && second.converged,
      firstApply: {
        processes: firstSpawns.length,
        commands: summarize(firstSpawns),
        sysfsWrites: writes,
        ms: round(firstMs),
      },
      secondApply: {
        processes: secondSpawns.length,
        commands: summarize(secondSpawns),
        sysfsWrites: kernel.writes().length - writes,
      },
    };
  } finally {
    await host.cleanup();
  }
}
