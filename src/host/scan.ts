import { readNetdevs } from '../adapters/sysfs/netdev-reader.js';
import { readPciFunctions } from '../adapters/sysfs/pci-function-reader.js';
import { readPciNames } from '../adapters/sysfs/pci-ids.js';
import { readVfLinks } from '../adapters/iproute2/ip-link-reader.js';
import { assembleInventory } from '../core/inventory-assembly.js';
import type { HostInventory } from '../core/inventory.js';
import type { HostIo } from './host-io.js';

export interface ScanOptions {
  /** Skip pci.ids lookups (the agent's frequent re-scans do not need names). */
  readonly names?: boolean;
}

/** Everything `vfleet host scan` reports, from sysfs and one `ip -j -d link show`. */
export async function scanHost(io: HostIo, options: ScanOptions = {}): Promise<HostInventory> {
  // allSettled: never return (or throw) while the `ip` child is still running.
  const [pci, hostname, kernel, vfLinks] = settledOrThrow(
    await Promise.allSettled([
      readPciFunctions(io.fs),
      io.fs.readText('/proc/sys/kernel/hostname'),
      io.fs.readText('/proc/sys/kernel/osrelease'),
      readVfLinks(io.runner),
    ] as const),
  );
  const isVf = (f: { physfn: string | null }) => f.physfn !== null;
  const ifnames = pci.functions.filter((f) => !isVf(f)).flatMap((f) => f.netdevs);
  const vfIfnames = pci.functions.filter(isVf).flatMap((f) => f.netdevs);
  const wanted = pci.functions.flatMap((f) =>
    f.vendorId !== null && f.deviceId !== null
      ? [{ vendorId: f.vendorId, deviceId: f.deviceId }]
      : [],
  );
  const [net, pciNames] = await Promise.all([
    readNetdevs(io.fs, ifnames, vfIfnames),
    options.names === false
      ? Promise.resolve(new Map<string, string>())
      : readPciNames(io.fs, wanted),
  ]);
  return assembleInventory({
    hostname: nonEmpty(hostname),
    kernel: nonEmpty(kernel),
    functions: pci.functions,
    netdevs: net.netdevs,
    vfLinks,
    pciNames,
    warnings: [...pci.warnings, ...net.warnings],
  });
}

const nonEmpty = (text: string | null): string | null => {
  const t = text?.trim() ?? '';
  return t === '' ? null : t;
};

type Settled<T extends readonly unknown[]> = {
  -readonly [K in keyof T]: PromiseSettledResult<T[K]>;
};

function settledOrThrow<T extends readonly unknown[]>(results: Settled<T>): T {
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
