/**
 * IRQ affinity for VFs used as host netdevs (PRIMER §4, seed 002): each MSI
 * vector of the VF (`/sys/bus/pci/devices/<vf>/msi_irqs/<n>`) belongs on the
 * CPUs of the VF's NUMA node (`local_cpulist`), written as
 * `/proc/irq/<n>/smp_affinity_list`. Pure: the host layer reads the facts
 * and writes the plan (src/host/irq-affinity.ts).
 */

export interface IrqFacts {
  readonly irq: number;
  /** The current `smp_affinity_list`; null when the IRQ has no /proc/irq entry. */
  readonly current: readonly number[] | null;
}

export interface VfIrqFacts {
  readonly pciAddress: string;
  readonly netdev: string | null;
  /** null when the kernel reports -1 (no NUMA affinity). */
  readonly numaNode: number | null;
  /** The VF's `local_cpulist`; null when absent or unreadable. */
  readonly localCpus: readonly number[] | null;
  readonly irqs: readonly IrqFacts[];
}

export interface IrqPin {
  readonly vf: string;
  readonly netdev: string | null;
  readonly numaNode: number | null;
  /** null on a row that stands for a VF without MSI vectors. */
  readonly irq: number | null;
  readonly current: readonly number[] | null;
  readonly desired: readonly number[] | null;
  readonly action: 'keep' | 'change' | 'skip';
  /** Why a row is skipped; null otherwise. */
  readonly reason: string | null;
}

const sameCpus = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((c, i) => c === b[i]);

function pinsOf(vf: VfIrqFacts, online: readonly number[] | null): IrqPin[] {
  const row = { vf: vf.pciAddress, netdev: vf.netdev, numaNode: vf.numaNode };
  if (vf.irqs.length === 0) {
    const reason = 'no MSI vectors: the VF driver has not enabled MSI/MSI-X';
    return [{ ...row, irq: null, current: null, desired: null, action: 'skip', reason }];
  }
  let why: string | null = null;
  let desired: number[] = [];
  if (vf.numaNode === null) {
    why = 'the kernel reports no NUMA node for the VF: every CPU is as close as any other';
  } else {
    // An offline CPU in the list makes the kernel refuse the write (EINVAL).
    desired = (vf.localCpus ?? []).filter((c) => online === null || online.includes(c));
    if (desired.length === 0) why = `no online CPU is local to NUMA node ${vf.numaNode}`;
  }
  return vf.irqs.map(({ irq, current }): IrqPin => {
    const base = { ...row, irq, current };
    if (why !== null) return { ...base, desired: null, action: 'skip', reason: why };
    if (current === null) {
      // The kernel makes /proc/irq/N when a driver requests the IRQ (igbvf: on open).
      const reason = `IRQ ${irq} is not requested (no /proc/irq/${irq}): is ${vf.netdev ?? 'the netdev'} down?`;
      return { ...base, desired, action: 'skip', reason };
    }
    const action = sameCpus(
      [...current].sort((a, b) => a - b),
      desired,
    )
      ? 'keep'
      : 'change';
    return { ...base, desired, action, reason: null };
  });
}

/**
 * One row per MSI vector of each VF: keep (already on the local CPUs),
 * change, or skip with the reason. `onlineCpus` (`/sys/devices/system/cpu/online`)
 * trims offline CPUs from the local list; null when unknown.
 */
export function planIrqAffinity(
  vfs: readonly VfIrqFacts[],
  onlineCpus: readonly number[] | null,
): IrqPin[] {
  return vfs.flatMap((vf) => pinsOf(vf, onlineCpus));
}
