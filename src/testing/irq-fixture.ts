import { VfleetError } from '../core/errors.js';
import type { HostFs } from '../core/ports.js';
import { buildFixtureHost, type FixtureHost } from './fixture-host.js';
import { vfAddressFor } from './fixture-vf.js';

/**
 * A host for IRQ pinning tests: PF 0000:81:00.0 on NUMA node 1 (CPUs 2-3)
 * with two igbvf VFs and one vfio-pci VF, PF 0000:01:00.0 with no NUMA node
 * and one igbvf VF. Every VF has MSI vectors; all start on CPUs 0-3 but one.
 */
export const IRQ_VFS = {
  node1a: vfAddressFor('0000:81:00.0', 128, 2, 0),
  node1b: vfAddressFor('0000:81:00.0', 128, 2, 1),
  vfio: vfAddressFor('0000:81:00.0', 128, 2, 2),
  noNuma: vfAddressFor('0000:01:00.0', 128, 2, 0),
} as const;

/** IRQ numbers per VF, and the affinity each starts with. */
export const IRQS: Readonly<Record<keyof typeof IRQ_VFS, Readonly<Record<number, string>>>> = {
  node1a: { 40: '0-3', 41: '2-3', 42: '0' },
  node1b: { 43: '0-3' },
  vfio: { 44: '0-3' },
  noNuma: { 45: '0-3' },
};

export async function buildIrqFixture(): Promise<FixtureHost> {
  const host = await buildFixtureHost({
    pfs: [
      {
        pciAddress: '0000:81:00.0',
        numaNode: 1,
        localCpus: '2-3',
        vfs: [{}, {}, { driver: 'vfio-pci' }],
      },
      { pciAddress: '0000:01:00.0', vfs: 1 },
    ],
  });
  await host.files.file('/sys/devices/system/cpu/online', '0-3\n');
  for (const [name, irqs] of Object.entries(IRQS)) {
    const vf = IRQ_VFS[name as keyof typeof IRQ_VFS];
    for (const [irq, cpus] of Object.entries(irqs)) {
      await host.files.file(`/sys/bus/pci/devices/${vf}/msi_irqs/${irq}`, 'msix\n');
      await host.files.file(`/proc/irq/${irq}/smp_affinity_list`, `${cpus}\n`);
    }
  }
  return host;
}

/**
 * The fixture's files, but writes to these IRQs behave like the kernel's
 * refusals: `eio` fails as a managed IRQ does, `ignored` is accepted and
 * has no effect.
 */
export function kernelLikeFs(
  fs: HostFs,
  opts: { eio?: readonly number[]; ignored?: readonly number[] },
): HostFs {
  const irqOf = (p: string) => Number(/^\/proc\/irq\/(\d+)\//.exec(p)?.[1] ?? NaN);
  return {
    ...fs,
    async writeText(p, text) {
      const irq = irqOf(p);
      if (opts.eio?.includes(irq)) {
        throw new VfleetError('HOST_WRITE_FAILED', `cannot write "${text.trim()}" to ${p}: EIO`, {
          path: p,
          errno: 'EIO',
        });
      }
      if (opts.ignored?.includes(irq)) return;
      await fs.writeText(p, text);
    },
  };
}
