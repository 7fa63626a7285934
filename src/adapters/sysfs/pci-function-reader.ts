import type { PciFunctionFacts, SriovFacts } from '../../core/host-facts.js';
import type { HostFs } from '../../core/ports.js';
import { normalizePciAddress } from '../../core/pci-address.js';
import { VfleetError } from '../../core/errors.js';
import { SysfsValues } from './sysfs-values.js';

const PCI_DEVICES = '/sys/bus/pci/devices';

/** PCI class 0x02xxxx is "network controller" (Ethernet, InfiniBand, ...). */
const isNetworkClass = (cls: string | null) => cls !== null && /^0x02[0-9a-f]{4}$/i.test(cls);

/** Reads every network-class PCI function from sysfs. */
export async function readPciFunctions(
  fs: HostFs,
): Promise<{ functions: PciFunctionFacts[]; warnings: string[] }> {
  const entries = await fs.listDir(PCI_DEVICES);
  if (entries === null) {
    throw new VfleetError(
      'HOST_READ_FAILED',
      `${PCI_DEVICES} does not exist under the host root: is sysfs mounted (or --host-root right)?`,
      { path: PCI_DEVICES },
    );
  }
  const values = new SysfsValues(fs);
  const addresses = entries.filter((e) => normalizePciAddress(e) === e);
  const classes = await Promise.all(addresses.map((a) => values.text(`${PCI_DEVICES}/${a}/class`)));
  const network = addresses.filter((_, i) => isNetworkClass(classes[i] ?? null));
  const functions = await Promise.all(network.map((a) => readFunction(fs, values, a)));
  return { functions, warnings: values.warnings };
}

async function readFunction(
  fs: HostFs,
  v: SysfsValues,
  address: string,
): Promise<PciFunctionFacts> {
  const dir = `${PCI_DEVICES}/${address}`;
  // One listing tells which attributes and links exist, so absent ones
  // (sriov_* on VFs, physfn on PFs) cost nothing.
  const has = new Set((await fs.listDir(dir)) ?? []);
  const when = <T>(name: string, read: (path: string) => Promise<T>): Promise<T | null> =>
    has.has(name) ? read(`${dir}/${name}`) : Promise.resolve(null);
  const [vendorId, deviceId, driver, override, numaNode, localCpus, group, netdevs, physfn, sriov] =
    await Promise.all([
      when('vendor', (p) => v.hexId(p)),
      when('device', (p) => v.hexId(p)),
      when('driver', (p) => v.linkName(p)),
      when('driver_override', (p) => v.text(p)),
      when('numa_node', (p) => v.int(p)),
      when('local_cpulist', (p) => v.text(p)),
      when('iommu_group', (p) => v.linkName(p)),
      when('net', (p) => fs.listDir(p)),
      when('physfn', (p) => v.linkName(p)),
      has.has('sriov_totalvfs') ? readSriov(v, dir, has) : Promise.resolve(null),
    ]);
  const iommuGroup = group !== null && /^\d+$/.test(group) ? Number(group) : null;
  return {
    pciAddress: address,
    vendorId,
    deviceId,
    driver,
    // The kernel shows "(null)" when no override is set.
    driverOverride: override === null || override === '' || override === '(null)' ? null : override,
    numaNode: numaNode === null || numaNode < 0 ? null : numaNode,
    localCpus,
    iommuGroup,
    netdevs: netdevs ?? [],
    physfn: physfn === null ? null : normalizePciAddress(physfn),
    sriov,
  };
}

async function readSriov(
  v: SysfsValues,
  dir: string,
  has: ReadonlySet<string>,
): Promise<SriovFacts> {
  const links = [...has].filter((e) => /^virtfn\d+$/.test(e));
  const [totalVfs, numVfs, offset, stride, vfDeviceId, targets] = await Promise.all([
    v.int(`${dir}/sriov_totalvfs`),
    v.int(`${dir}/sriov_numvfs`),
    v.int(`${dir}/sriov_offset`),
    v.int(`${dir}/sriov_stride`),
    v.hexId(`${dir}/sriov_vf_device`),
    Promise.all(links.map((l) => v.linkName(`${dir}/${l}`))),
  ]);
  const virtfns = new Map<number, string>();
  links.forEach((l, i) => {
    const addr = normalizePciAddress(targets[i] ?? '');
    if (addr !== null) virtfns.set(Number(l.slice('virtfn'.length)), addr);
  });
  return { totalVfs, numVfs, offset, stride, vfDeviceId, virtfns };
}
