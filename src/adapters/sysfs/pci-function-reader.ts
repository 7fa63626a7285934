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
  const [vendorId, deviceId, driver, override, numaNode, localCpus, group, netdevs, physfn, sriov] =
    await Promise.all([
      v.hexId(`${dir}/vendor`),
      v.hexId(`${dir}/device`),
      v.linkName(`${dir}/driver`),
      v.text(`${dir}/driver_override`),
      v.int(`${dir}/numa_node`),
      v.text(`${dir}/local_cpulist`),
      v.linkName(`${dir}/iommu_group`),
      fs.listDir(`${dir}/net`),
      v.linkName(`${dir}/physfn`),
      readSriov(fs, v, dir),
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

async function readSriov(fs: HostFs, v: SysfsValues, dir: string): Promise<SriovFacts | null> {
  const totalVfs = await v.int(`${dir}/sriov_totalvfs`);
  if (totalVfs === null && !(await fs.exists(`${dir}/sriov_totalvfs`))) return null;
  const entries = (await fs.listDir(dir)) ?? [];
  const links = entries.filter((e) => /^virtfn\d+$/.test(e));
  const [numVfs, offset, stride, vfDeviceId, targets] = await Promise.all([
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
