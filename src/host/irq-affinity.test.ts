import { afterEach, describe, expect, it } from 'vitest';
import { VfleetError } from '../core/errors.js';
import type { FixtureHost } from '../testing/fixture-host.js';
import { buildIrqFixture, IRQ_VFS, kernelLikeFs } from '../testing/irq-fixture.js';
import { pinVfIrqs } from './irq-affinity.js';

let host: FixtureHost | undefined;
afterEach(async () => {
  await host?.cleanup();
  host = undefined;
});

async function fixture(): Promise<FixtureHost> {
  host = await buildIrqFixture();
  return host;
}

const affinity = async (h: FixtureHost, irq: number) =>
  (await h.fs.readText(`/proc/irq/${irq}/smp_affinity_list`))?.trim();
const all = (h: FixtureHost) => Promise.all([40, 41, 42, 43, 44, 45].map((i) => affinity(h, i)));

describe('pinning VF IRQs', () => {
  it('writes the node-local CPUs for each vector of each VF host netdev, and reports each', async () => {
    const h = await fixture();
    const r = await pinVfIrqs({ fs: h.fs, runner: h.runner });
    expect(r.pins.map((p) => [p.vf, p.irq, p.result])).toEqual([
      [IRQ_VFS.noNuma, 45, 'skipped'],
      [IRQ_VFS.node1a, 40, 'changed'],
      [IRQ_VFS.node1a, 41, 'already-right'],
      [IRQ_VFS.node1a, 42, 'changed'],
      [IRQ_VFS.node1b, 43, 'changed'],
    ]);
    expect([r.changed, r.failed]).toEqual([3, 0]);
    expect(r.pins[0]?.detail).toContain('no NUMA node');
    // 44 belongs to the vfio-pci VF (a guest's), 45 to the VF without a node: untouched.
    expect(await all(h)).toEqual(['2-3', '2-3', '2-3', '2-3', '0-3', '0-3']);
    expect(r.pins.find((p) => p.irq === 42)?.after).toEqual([2, 3]);
  });

  it('changes nothing with --dry-run, and a second run finds everything right', async () => {
    const h = await fixture();
    const dry = await pinVfIrqs({ fs: h.fs, runner: h.runner }, { dryRun: true });
    expect(dry.pins.filter((p) => p.result === 'would-change').map((p) => p.irq)).toEqual([
      40, 42, 43,
    ]);
    expect(await all(h)).toEqual(['0-3', '2-3', '0', '0-3', '0-3', '0-3']);
    await pinVfIrqs({ fs: h.fs, runner: h.runner });
    const again = await pinVfIrqs({ fs: h.fs, runner: h.runner });
    expect(again.pins.map((p) => p.result)).toEqual([
      'skipped',
      'already-right',
      'already-right',
      'already-right',
      'already-right',
    ]);
  });

  it('reports a managed IRQ (EIO) and a write the kernel ignored as failed, and pins the rest', async () => {
    const h = await fixture();
    const fs = kernelLikeFs(h.fs, { eio: [40], ignored: [43] });
    const r = await pinVfIrqs({ fs, runner: h.runner });
    const byIrq = (n: number) => r.pins.find((p) => p.irq === n);
    expect([byIrq(40)?.result, byIrq(40)?.detail]).toEqual([
      'failed',
      'EIO: a managed interrupt, spread over CPUs by the kernel itself; its affinity cannot be set',
    ]);
    expect([byIrq(43)?.result, byIrq(43)?.detail]).toEqual(['failed', 'the kernel kept 0-3']);
    expect(byIrq(42)?.result).toBe('changed');
    expect([r.changed, r.failed]).toEqual([1, 2]);
  });

  it('takes exactly the VFs asked for, and refuses one that is no host netdev or does not exist', async () => {
    const h = await fixture();
    const io = { fs: h.fs, runner: h.runner };
    const r = await pinVfIrqs(io, { vfs: [IRQ_VFS.node1b.replace(/^0000:/, '')] });
    expect(r.pins.map((p) => p.irq)).toEqual([43]);
    expect(await all(h)).toEqual(['0-3', '2-3', '0', '2-3', '0-3', '0-3']);
    const vfio = await pinVfIrqs(io, { vfs: [IRQ_VFS.vfio] }).catch((e: unknown) => e);
    expect(vfio).toBeInstanceOf(VfleetError);
    expect((vfio as VfleetError).message).toBe(
      `VF ${IRQ_VFS.vfio} is not a host netdev (vfio-pci)`,
    );
    const missing = await pinVfIrqs(io, { vfs: ['0000:99:00.1'] }).catch((e: unknown) => e);
    expect([(missing as VfleetError).code, (missing as VfleetError).details.field]).toEqual([
      'NOT_FOUND',
      'vf',
    ]);
  });
});
