import { afterEach, describe, expect, it } from 'vitest';
import { parseHostState } from '../../core/desired-state.js';
import type { FixtureHost } from '../../testing/fixture-host.js';
import { realClock } from '../../testing/real-clock.js';
import { buildFixtureHost } from '../../testing/fixture-host.js';
import { createSimulatedKernelFs } from '../../testing/simulated-kernel-fs.js';
import { applyHostState } from './apply-host-state.js';

let host: FixtureHost | undefined;
afterEach(async () => {
  await host?.cleanup();
  host = undefined;
});

const PF = '0000:01:00.0';
const carrier = `/sys/class/net/eth0/carrier`;
const withRate = parseHostState({
  pfs: [
    {
      pciAddress: PF,
      numVfs: 2,
      vfs: [
        { index: 0, maxTxRate: 100 },
        { index: 1, trust: true },
      ],
    },
  ],
});

describe('waiting for PF carrier before VF rates', () => {
  it('waits for the link to come back after the VF count change, then sets the rate', async () => {
    host = await buildFixtureHost({ pfs: [{ pciAddress: PF, ifname: 'eth0' }] });
    await host.files.file(carrier, '0\n'); // the PF reset by enabling SR-IOV
    const h = host;
    setTimeout(() => void h.files.file(carrier, '1\n'), 300);
    const k = createSimulatedKernelFs(host);
    const report = await applyHostState(
      withRate,
      { fs: k.fs, runner: host.runner, clock: realClock },
      { pollMs: 50 },
    );
    const wait = report.steps.find((s) => s.target === 'carrier');
    expect(wait?.status).toBe('ok');
    const order = report.steps.map((s) => s.target);
    expect(order.indexOf('carrier')).toBeLessThan(order.indexOf('maxTxRate'));
    expect(report.converged).toBe(true);
  });

  it('gives up after the bound and says so, without blocking other settings', async () => {
    host = await buildFixtureHost({ pfs: [{ pciAddress: PF, ifname: 'eth0' }] });
    await host.files.file(carrier, '0\n');
    const k = createSimulatedKernelFs(host);
    const report = await applyHostState(
      withRate,
      { fs: k.fs, runner: host.runner, clock: realClock },
      { pollMs: 50, carrierWaitMs: 200 },
    );
    expect(report.steps.find((s) => s.target === 'carrier')).toMatchObject({
      status: 'failed',
      detail: 'no carrier on eth0 after 0 s',
    });
    expect(report.steps.find((s) => s.target === 'trust')?.status).toBe('ok');
    expect(report.steps.find((s) => s.target === 'maxTxRate')).toMatchObject({
      status: 'failed',
      detail: expect.stringContaining('Invalid argument') as string,
    });
  });

  it('does not wait when no rate is set, or when the link was not touched', async () => {
    host = await buildFixtureHost({ pfs: [{ pciAddress: PF, ifname: 'eth0', vfs: 2 }] });
    await host.files.file(carrier, '0\n');
    const k = createSimulatedKernelFs(host);
    const noRate = parseHostState({
      pfs: [{ pciAddress: PF, numVfs: 2, vfs: [{ index: 1, trust: true }] }],
    });
    const a = await applyHostState(
      noRate,
      { fs: k.fs, runner: host.runner, clock: realClock },
      { pollMs: 50 },
    );
    expect(a.steps.map((s) => s.target)).toEqual(['trust']);
    // Count unchanged and link already up: a rate alone is set without waiting.
    const b = await applyHostState(
      withRate,
      { fs: k.fs, runner: host.runner, clock: realClock },
      { pollMs: 50, carrierWaitMs: 60_000 },
    );
    expect(b.steps.some((s) => s.target === 'carrier')).toBe(false);
  });
});
