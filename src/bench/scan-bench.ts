import { readFileSync, readdirSync, readlinkSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandRunner } from '../core/ports.js';
import { scanHost } from '../host/scan.js';
import { buildFixtureHost } from '../testing/fixture-host.js';
import { recordingHostFs } from './recording-host-fs.js';
import { round, summarize, timeIt } from './stats.js';

const PFS = 4;
const VFS = 128;
const RUNS = 15;

/**
 * `vfleet host scan` on a 4 PF x 128 VF fixture host against the physical
 * floor: a plain synchronous loop doing exactly the same file reads (recorded
 * from a scan) and the same single `ip -j -d link show`.
 */
export async function scanBench() {
  const host = await buildFixtureHost({
    pfs: Array.from({ length: PFS }, (_, i) => ({
      pciAddress: `0000:${(0x18 + i * 2).toString(16).padStart(2, '0')}:00.0`,
      ifname: `ens${i}f0`,
      driver: 'ice',
      vfDriver: 'iavf',
      totalVfs: 256,
      vfs: VFS,
      offset: 8,
      stride: 1,
    })),
  });
  try {
    const rec = recordingHostFs(host.fs);
    const inv = await scanHost({ fs: rec.fs, runner: host.runner });
    const vfCount = inv.pfs.reduce((n, p) => n + p.vfs.length, 0);
    const ops = rec.ops;
    const readAll = () => {
      for (const [op, p] of ops) {
        const full = join(host.root, p);
        try {
          if (op === 'readText') readFileSync(full, 'utf8');
          else if (op === 'listDir') readdirSync(full);
          else if (op === 'readLink') readlinkSync(full);
          else existsSync(full);
        } catch {
          // absent files cost the same failed syscall in both
        }
      }
    };
    const baseline = async () => {
      // The same single `ip` call, overlapped with the reads as vfleet does.
      const ip = host.runner.run('ip', ['-j', '-d', 'link', 'show']);
      readAll();
      await ip;
    };
    // The same scan with `ip` answered from memory isolates vfleet's own cost.
    const captured = await host.runner.run('ip', ['-j', '-d', 'link', 'show']);
    const memoryRunner: CommandRunner = { run: () => Promise.resolve(captured) };
    const vf: number[] = [];
    const base: number[] = [];
    const vfFiles: number[] = [];
    const baseFiles: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      vf.push(await timeIt(() => scanHost(host)));
      base.push(await timeIt(baseline));
      vfFiles.push(await timeIt(() => scanHost({ fs: host.fs, runner: memoryRunner })));
      baseFiles.push(
        await timeIt(() => {
          readAll();
          return Promise.resolve();
        }),
      );
    }
    const ratio = (a: number[], b: number[]) =>
      round(summarize(a).medianMs / summarize(b).medianMs);
    return {
      host: `${PFS} PFs x ${VFS} VFs (fixture)`,
      vfsFound: vfCount,
      fileOpsPerScan: ops.length,
      withIp: {
        vfleetScan: summarize(vf),
        minimalLoop: summarize(base),
        ratioMedian: ratio(vf, base),
      },
      filesOnly: {
        vfleetScan: summarize(vfFiles),
        minimalLoop: summarize(baseFiles),
        ratioMedian: ratio(vfFiles, baseFiles),
      },
    };
  } finally {
    await host.cleanup();
  }
}
