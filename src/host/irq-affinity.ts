import { toVfleetError, VfleetError } from '../core/errors.js';
import type { Vf } from '../core/inventory.js';
import { planIrqAffinity, type IrqPin, type VfIrqFacts } from '../core/irq-affinity.js';
import { formatCpuList } from '../core/libvirt/cpu-list.js';
import { normalizePciAddress, parseCpuList } from '../core/pci-address.js';
import type { HostFs } from '../core/ports.js';
import type { HostIo } from './host-io.js';
import { scanHost } from './scan.js';

export interface PinIrqsOptions {
  /** Plan only; write nothing. */
  readonly dryRun?: boolean;
  /** Only these VFs (PCI addresses); default every VF used as a host netdev. */
  readonly vfs?: readonly string[];
}

export interface IrqPinResult extends IrqPin {
  readonly result: 'already-right' | 'changed' | 'would-change' | 'failed' | 'skipped';
  /** What the kernel reports after the write; null when nothing was written. */
  readonly after: readonly number[] | null;
  readonly detail: string | null;
}

export interface IrqPinReport {
  readonly dryRun: boolean;
  readonly pins: readonly IrqPinResult[];
  readonly changed: number;
  readonly failed: number;
}

const dev = (vf: string) => `/sys/bus/pci/devices/${vf}`;
const affinityPath = (irq: number) => `/proc/irq/${irq}/smp_affinity_list`;
const cpus = (text: string | null) => (text === null ? null : parseCpuList(text));

async function factsOf(fs: HostFs, vf: Vf): Promise<VfIrqFacts> {
  const names = (await fs.listDir(`${dev(vf.pciAddress)}/msi_irqs`)) ?? [];
  const irqNumbers = names
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .sort((a, b) => a - b);
  const irqs = await Promise.all(
    irqNumbers.map(async (irq) => ({ irq, current: cpus(await fs.readText(affinityPath(irq))) })),
  );
  return {
    pciAddress: vf.pciAddress,
    netdev: vf.netdev,
    numaNode: vf.numaNode,
    localCpus: cpus(await fs.readText(`${dev(vf.pciAddress)}/local_cpulist`)),
    irqs,
  };
}

/** VFs used as host netdevs, or exactly the ones asked for (which must exist). */
function selectVfs(all: readonly Vf[], wanted: readonly string[] | undefined): Vf[] {
  const netdevs = all.filter((v) => v.driverKind === 'kernel' && v.netdev !== null);
  if (wanted === undefined || wanted.length === 0) return netdevs;
  return wanted.map((w) => {
    const addr = normalizePciAddress(w);
    const vf = all.find((v) => v.pciAddress === addr);
    if (vf === undefined) {
      throw new VfleetError('NOT_FOUND', `no VF at ${w} on this host`, { field: 'vf', vf: w });
    }
    if (!netdevs.includes(vf)) {
      const driver = vf.driver ?? 'no driver';
      throw new VfleetError(
        'INVALID_INPUT',
        `VF ${vf.pciAddress} is not a host netdev (${driver})`,
        {
          field: 'vf',
          vf: vf.pciAddress,
        },
      );
    }
    return vf;
  });
}

/** Why a write failed, in the operator's words. */
function failureDetail(e: unknown): string {
  const err = toVfleetError(e);
  if (err.details.errno === 'EIO') {
    return 'EIO: a managed interrupt, spread over CPUs by the kernel itself; its affinity cannot be set';
  }
  return err.message;
}

async function apply(fs: HostFs, pin: IrqPin, dryRun: boolean): Promise<IrqPinResult> {
  const done = (
    result: IrqPinResult['result'],
    after: readonly number[] | null,
    detail: string | null,
  ) => ({ ...pin, result, after, detail });
  if (pin.action === 'skip') return done('skipped', null, pin.reason);
  if (pin.action === 'keep') return done('already-right', null, null);
  if (dryRun || pin.irq === null || pin.desired === null) return done('would-change', null, null);
  const path = affinityPath(pin.irq);
  try {
    await fs.writeText(path, `${formatCpuList(pin.desired)}\n`);
  } catch (e) {
    return done('failed', null, failureDetail(e));
  }
  // The kernel may accept a write and keep another mask; only its own answer counts.
  const after = cpus(await fs.readText(path));
  const right = after !== null && formatCpuList(after) === formatCpuList(pin.desired);
  return right
    ? done('changed', after, null)
    : done('failed', after, `the kernel kept ${formatCpuList(after ?? [])}`);
}

/**
 * Pins the MSI vectors of VFs used as host netdevs to their NUMA node's
 * CPUs and reports, per vector, what was already right, changed, or failed.
 * IRQs are written one by one: one refusal (a managed IRQ) does not stop the rest.
 */
export async function pinVfIrqs(io: HostIo, options: PinIrqsOptions = {}): Promise<IrqPinReport> {
  const inv = await scanHost(io, { names: false });
  const vfs = selectVfs(
    inv.pfs.flatMap((pf) => pf.vfs),
    options.vfs,
  );
  const facts = await Promise.all(vfs.map((vf) => factsOf(io.fs, vf)));
  const online = cpus(await io.fs.readText('/sys/devices/system/cpu/online'));
  const dryRun = options.dryRun === true;
  const pins: IrqPinResult[] = [];
  for (const pin of planIrqAffinity(facts, online)) pins.push(await apply(io.fs, pin, dryRun));
  return {
    dryRun,
    pins,
    changed: pins.filter((p) => p.result === 'changed').length,
    failed: pins.filter((p) => p.result === 'failed').length,
  };
}
