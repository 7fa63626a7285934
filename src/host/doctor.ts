import type { DoctorInput, MasterInfo } from '../core/doctor/input.js';
import { detectVirtualisation, parseCpuVendor, parseOsFamily } from '../core/doctor/host-text.js';
import { toVfleetError } from '../core/errors.js';
import type { HostInventory } from '../core/inventory.js';
import { NO_VDPA } from '../core/inventory.js';
import type { HostFs } from '../core/ports.js';
import type { HostIo } from './host-io.js';
import { readKernelLog } from './kernel-log.js';
import { scanHost } from './scan.js';

/** Modules doctor reports on (present in /sys/module when loaded or built in). */
// vhost_vdpa gives vDPA devices their char device; mlx5_vdpa makes mlx5 VFs vDPA management devices.
const MODULES = ['vfio_pci', 'vhost_vdpa', 'mlx5_vdpa'] as const;

export interface GatherOptions {
  /** Use an inventory already scanned instead of scanning again. */
  readonly inventory?: HostInventory;
  /** Run `dmesg` (only right when the host root is the live `/`). Default true. */
  readonly liveKernelLog?: boolean;
}

// One unreadable file must not stop the diagnosis: doctor reports what it could read.
const safe = async <T>(read: () => Promise<T | null>): Promise<T | null> => {
  try {
    return await read();
  } catch {
    return null;
  }
};
const baseName = (target: string) => target.replace(/\/+$/, '').split('/').pop() ?? '';

async function readMasters(
  fs: HostFs,
  inventory: HostInventory,
): Promise<Record<string, MasterInfo>> {
  const masters: Record<string, MasterInfo> = {};
  for (const pf of inventory.pfs) {
    if (pf.ifname === null) continue;
    const link = await safe(() => fs.readLink(`/sys/class/net/${pf.ifname ?? ''}/master`));
    const name = link === null ? pf.master : baseName(link);
    if (name === null || name === '') continue;
    const kind = (await fs.exists(`/sys/class/net/${name}/bridge`))
      ? 'bridge'
      : (await fs.exists(`/sys/class/net/${name}/bonding`))
        ? 'bond'
        : 'other';
    masters[pf.pciAddress] = { name, kind };
  }
  return masters;
}

async function scan(io: HostIo, given: HostInventory | undefined) {
  if (given !== undefined) return { inventory: given, problem: null };
  try {
    return { inventory: await scanHost(io), problem: null };
  } catch (e) {
    const err = toVfleetError(e);
    const empty: HostInventory = {
      hostname: null,
      kernel: null,
      pfs: [],
      otherNics: [],
      nonPciPfs: [],
      vdpa: NO_VDPA,
      warnings: [],
    };
    return { inventory: empty, problem: `${err.message} (${err.code})` };
  }
}

/** Reads everything the doctor rules need from the host, as plain data. */
export async function gatherDoctorInput(
  io: HostIo,
  options: GatherOptions = {},
): Promise<DoctorInput> {
  const { fs } = io;
  const [
    scanned,
    log,
    cmdline,
    cpuinfo,
    osRelease,
    grubDefault,
    iommuClass,
    iommuGroups,
    nodes,
    drivers,
    sysVendor,
    productName,
  ] = await Promise.all([
    scan(io, options.inventory),
    readKernelLog(fs, io.runner, options.liveKernelLog ?? true),
    safe(() => fs.readText('/proc/cmdline')),
    safe(() => fs.readText('/proc/cpuinfo')),
    safe(() => fs.readText('/etc/os-release')),
    safe(() => fs.readText('/etc/default/grub')),
    safe(() => fs.listDir('/sys/class/iommu')),
    safe(() => fs.listDir('/sys/kernel/iommu_groups')),
    safe(() => fs.listDir('/sys/devices/system/node')),
    safe(() => fs.listDir('/sys/bus/pci/drivers')),
    safe(() => fs.readText('/sys/class/dmi/id/sys_vendor')),
    safe(() => fs.readText('/sys/class/dmi/id/product_name')),
  ]);
  const present = await Promise.all(MODULES.map((m) => fs.exists(`/sys/module/${m}`)));
  return {
    cmdline: cmdline?.trim() ?? null,
    cpuVendor: cpuinfo === null ? null : parseCpuVendor(cpuinfo),
    virtualisation: detectVirtualisation(cpuinfo, sysVendor, productName),
    osFamily: osRelease === null ? null : parseOsFamily(osRelease),
    grubDefault,
    kernelLog: log.log,
    kernelLogProblem: log.problem,
    iommuClass,
    iommuGroups,
    numaNodes: nodes === null ? null : nodes.filter((n) => /^node\d+$/.test(n)).length,
    pciDrivers: drivers,
    modules: MODULES.filter((_, i) => present[i]),
    inventory: scanned.inventory,
    inventoryProblem: scanned.problem,
    masters: await readMasters(fs, scanned.inventory),
  };
}
