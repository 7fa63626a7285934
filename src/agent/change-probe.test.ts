import { afterEach, describe, expect, it } from 'vitest';
import type { HostInventory } from '../core/inventory.js';
import { scanHost } from '../host/scan.js';
import type { FixtureHost } from '../testing/fixture-host.js';
import { buildFixtureHost } from '../testing/fixture-host.js';
import { inventory, pf } from '../testing/inventory-builders.js';
import { quietClient } from '../testing/quiet-client.js';
import { createSimulatedKernelFs } from '../testing/simulated-kernel-fs.js';
import { changeFingerprint } from './change-probe.js';
import { runAgent } from './run-agent.js';

let host: FixtureHost | undefined;
afterEach(async () => {
  await host?.cleanup();
  host = undefined;
});

const PF = '0000:3b:00.0';

describe('changeFingerprint', () => {
  it('stays put on a quiet host and moves when VFs come or the PF driver changes', async () => {
    host = await buildFixtureHost({ pfs: [{ pciAddress: PF, vfs: 1 }] });
    const kernel = createSimulatedKernelFs(host);
    const inv = await scanHost({ fs: kernel.fs, runner: host.runner }, { names: false });
    const quiet = await changeFingerprint(kernel.fs, inv);
    expect(await changeFingerprint(kernel.fs, inv)).toBe(quiet);
    await kernel.fs.writeText(`/sys/bus/pci/devices/${PF}/sriov_numvfs`, '0');
    const none = await changeFingerprint(kernel.fs, inv);
    expect(none).not.toBe(quiet);
    await kernel.fs.writeText(`/sys/bus/pci/devices/${PF}/sriov_numvfs`, '1');
    expect(await changeFingerprint(kernel.fs, inv)).toBe(quiet);
    await host.files.link(`/sys/bus/pci/devices/${PF}/driver`, '../../../bus/pci/drivers/vfio-pci');
    expect(await changeFingerprint(kernel.fs, inv)).not.toBe(quiet);
  });
});

describe('runAgent with a probe', () => {
  it('re-scans only when the fingerprint moves (or a heartbeat is due)', async () => {
    let fingerprint = 'a';
    let scans = 0;
    let reports = 0;
    const stop = new AbortController();
    // No new generation: the long poll just waits for the end.
    const client = quietClient({
      report: () => {
        reports++;
        return Promise.resolve(null);
      },
    });
    const numVfs = () => (fingerprint === 'a' ? 1 : 2);
    const running = runAgent(
      {
        client,
        labels: {},
        scan: (): Promise<HostInventory> => {
          scans++;
          return Promise.resolve(inventory([pf(PF, { numVfs: numVfs() })]));
        },
        probe: () => Promise.resolve(fingerprint),
        doctor: () => Promise.resolve([]),
        apply: () => Promise.reject(new Error('not called')),
        clock: { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
        log: () => undefined,
        rescanMs: 10,
        heartbeatMs: 60_000,
        longPollSeconds: 30,
      },
      stop.signal,
    );
    await new Promise((r) => setTimeout(r, 300));
    // Some 30 quiet rounds: the first scan only.
    expect([scans, reports]).toEqual([1, 1]);
    fingerprint = 'b';
    await new Promise((r) => setTimeout(r, 200));
    stop.abort();
    await running;
    expect([scans, reports]).toEqual([2, 2]);
  });
});
