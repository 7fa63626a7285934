import { readEswitches } from '../adapters/iproute2/devlink-reader.js';
import { readIpLinks } from '../adapters/iproute2/ip-link-reader.js';
import { readVdpa } from '../adapters/iproute2/vdpa-reader.js';
import { readTcOffload } from '../adapters/ethtool/tc-offload-reader.js';
import { readNetdevs } from '../adapters/sysfs/netdev-reader.js';
import { readPciFunctions } from '../adapters/sysfs/pci-function-reader.js';
import { readPciNames } from '../adapters/sysfs/pci-ids.js';
import { SysfsValues } from '../adapters/sysfs/sysfs-values.js';
import type { LinkPortFacts, PciFunctionFacts } from '../core/host-facts.js';
import { assembleInventory } from '../core/inventory-assembly.js';
import type { HostInventory } from '../core/inventory.js';
import { handleOf, nonPciPfPorts } from '../core/switchdev-assembly.js';
import { NO_ESWITCH_DRIVERS } from '../core/vocabulary.js';
import type { HostIo } from './host-io.js';

export interface ScanOptions {
  /** Skip pci.ids lookups (the agent's frequent re-scans do not need names). */
  readonly names?: boolean;
}

/**
 * Everything `vfleet host scan` reports: sysfs, one `ip -j -d link show`, a
 * `devlink` call per PF whose driver may have an eswitch, `ethtool -k` per
 * switchdev uplink, and `vdpa` where the vDPA bus exists.
 */
export async function scanHost(io: HostIo, options: ScanOptions = {}): Promise<HostInventory> {
  // allSettled: never return (or throw) while the `ip` child is still running.
  const [pci, hostname, kernel, ipLinks, vdpa] = settledOrThrow(
    await Promise.allSettled([
      readPciFunctions(io.fs),
      io.fs.readText('/proc/sys/kernel/hostname'),
      io.fs.readText('/proc/sys/kernel/osrelease'),
      readIpLinks(io.runner),
      readVdpa(io.fs, io.runner),
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
  const nonPci = nonPciPfPorts({ linkPorts: ipLinks.ports });
  const [net, pciNames, nonPciDevices] = await Promise.all([
    readNetdevs(io.fs, ifnames, vfIfnames),
    options.names === false
      ? Promise.resolve(new Map<string, string>())
      : readPciNames(io.fs, wanted),
    readNonPciDevices(io, nonPci),
  ]);
  const uplinks = new Map<string, string | null>([
    ...pci.functions
      .filter(mayHaveEswitch)
      .map((f) => [`pci/${f.pciAddress}`, f.netdevs[0] ?? null] as const),
    ...nonPci.map((p) => [handleOf(p) ?? '', p.ifname] as const),
  ]);
  const esw = await readEswitches(io.runner, [...uplinks.keys()]);
  const switchdevUplinks = esw.eswitches
    .filter((e) => e.mode === 'switchdev')
    .flatMap((e) => uplinks.get(e.handle) ?? []);
  const tc = await readTcOffload(io.runner, switchdevUplinks);
  return assembleInventory({
    hostname: nonEmpty(hostname),
    kernel: nonEmpty(kernel),
    functions: pci.functions,
    netdevs: net.netdevs,
    vfLinks: ipLinks.vfLinks,
    linkPorts: ipLinks.ports,
    eswitches: esw.eswitches,
    tcOffload: tc.tcOffload,
    nonPciDevices,
    vdpaMgmtdevs: vdpa.mgmtdevs,
    vdpaDevices: vdpa.devices,
    pciNames,
    warnings: [...pci.warnings, ...net.warnings, ...esw.warnings, ...tc.warnings, ...vdpa.warnings],
  });
}

const mayHaveEswitch = (f: PciFunctionFacts) =>
  f.sriov !== null && f.physfn === null && f.driver !== null && !NO_ESWITCH_DRIVERS.has(f.driver);

/** Driver and `sriov_numvfs` of the devices behind PF netdevs that are not PCI functions. */
async function readNonPciDevices(io: HostIo, ports: readonly LinkPortFacts[]) {
  const v = new SysfsValues(io.fs);
  const read = async (p: LinkPortFacts) => {
    const dev = `/sys/class/net/${p.ifname}/device`;
    const [driver, numVfs] = await Promise.all([
      v.linkName(`${dev}/driver`),
      v.int(`${dev}/sriov_numvfs`),
    ]);
    return [handleOf(p) ?? '', { driver, numVfs }] as const;
  };
  return new Map(await Promise.all(ports.map(read)));
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
