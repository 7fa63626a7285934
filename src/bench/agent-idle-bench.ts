import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_CONFIG } from '../controller/controller-deps.js';
import { buildFixtureHost } from '../testing/fixture-host.js';
import { httpFleet } from '../testing/http-fleet.js';
import { startSocketController } from '../testing/socket-controller.js';

const PFS = 2;
const VFS = 64;
const SETTLE_MS = 8_000;
const WINDOW_MS = 30_000;

/**
 * An idle agent's cost: the agent runs in a child process against a
 * controller here on 127.0.0.1, on a fixture host with 2 PFs x 64 VFs and
 * nothing changing, and measures itself over a 30 s window (after it has
 * joined). Its work then is a re-scan every 5 s and a long poll renewed
 * every 30 s. `programRuns` counts `ip` runs: on fixture hosts `ip` is a
 * node script, outside the agent's own figures (real iproute2 costs ~1 ms).
 */
export async function agentIdleBench() {
  const host = await buildFixtureHost({
    hostname: 'idle1',
    pfs: Array.from({ length: PFS }, (_, i) => ({
      pciAddress: `0000:${(0x18 + i * 2).toString(16)}:00.0`,
      ifname: `ens${i}f0`,
      driver: 'ice',
      vfDriver: 'iavf',
      totalVfs: 256,
      vfs: VFS,
      offset: 8,
      stride: 1,
      numaNode: i % 2,
    })),
  });
  const ctl = await startSocketController('vfleet-bench-agent-', DEFAULT_CONFIG);
  try {
    const api = httpFleet(ctl.url, ctl.token);
    const token = await api.token('agent', { host: 'idle1' });
    const args = {
      controller: ctl.url,
      token,
      root: host.root,
      path: host.path,
      settleMs: SETTLE_MS,
      windowMs: WINDOW_MS,
    };
    const child = join(import.meta.dirname, 'agent-idle-child.js');
    const { stdout } = await promisify(execFile)(process.execPath, [child, JSON.stringify(args)], {
      env: { ...process.env, PATH: host.path },
      timeout: SETTLE_MS + WINDOW_MS + 60_000,
    });
    const measured = JSON.parse(stdout) as Record<string, unknown>;
    const reported = (await api.call('GET', '/v1/hosts/idle1', api.admin)).body as {
      pfs?: { vfs: unknown[] }[];
    };
    return {
      host: `${PFS} PFs x ${VFS} VFs (fixture)`,
      vfsReported: (reported.pfs ?? []).reduce((n, p) => n + p.vfs.length, 0),
      ...measured,
    };
  } finally {
    await ctl.close();
    await host.cleanup();
  }
}
