import { buildFixtureHost } from './fixture-host.js';
import { createSimulatedKernelFs } from './simulated-kernel-fs.js';

/** Real time for agents in end-to-end tests. */
export const realClock = {
  now: () => Date.now(),
  sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
};

/** Polls `probe` until it gives a value; fails naming `what` after `ms`. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  ms = 20_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== null && v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A fixture host with one igb PF and no VFs yet; its kernel creates VFs on sriov_numvfs writes. */
export async function igbHost(hostname: string, pf: string, numaNode: number) {
  const fixture = await buildFixtureHost({
    hostname,
    pfs: [{ pciAddress: pf, totalVfs: 7, numaNode, localCpus: numaNode === 0 ? '0-3' : '4-7' }],
  });
  return { fixture, kernel: createSimulatedKernelFs(fixture) };
}
