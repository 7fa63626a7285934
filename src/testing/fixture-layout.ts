import type { FixtureFiles } from './fixture-files.js';

/**
 * Where the kernel puts things, written the way sysfs shows them. Real sysfs
 * makes /sys/bus/pci/devices/<addr> a link into /sys/devices; vfleet reads
 * only through the bus path, so plain folders are enough here.
 */
export const dev = (addr: string) => `/sys/bus/pci/devices/${addr}`;
export const net = (ifname: string) => `/sys/class/net/${ifname}`;

export interface FunctionLayout {
  readonly address: string;
  readonly vendorId: string;
  readonly deviceId: string;
  readonly numaNode: number;
  readonly localCpus: string;
  readonly iommuGroup: number | null;
  readonly driver: string | null;
}

export async function writeFunction(f: FixtureFiles, fn: FunctionLayout): Promise<void> {
  const d = dev(fn.address);
  await f.file(`${d}/vendor`, `0x${fn.vendorId}\n`);
  await f.file(`${d}/device`, `0x${fn.deviceId}\n`);
  await f.file(`${d}/class`, '0x020000\n');
  await f.file(`${d}/numa_node`, fn.numaNode);
  await f.file(`${d}/local_cpulist`, `${fn.localCpus}\n`);
  await f.file(`${d}/driver_override`, '(null)\n');
  if (fn.iommuGroup !== null) {
    await f.link(`${d}/iommu_group`, `../../../../kernel/iommu_groups/${fn.iommuGroup}`);
    await f.dir(`/sys/kernel/iommu_groups/${fn.iommuGroup}/devices/${fn.address}`);
  }
  if (fn.driver !== null) await bindDriver(f, fn.address, fn.driver);
}

export async function bindDriver(f: FixtureFiles, address: string, driver: string): Promise<void> {
  await f.dir(`/sys/bus/pci/drivers/${driver}`);
  await f.link(`${dev(address)}/driver`, `../../../../bus/pci/drivers/${driver}`);
}

export interface NetdevLayout {
  readonly name: string;
  readonly address: string | null;
  readonly mac: string;
  readonly up: boolean;
  readonly carrier: boolean;
  readonly speed: number | null;
  readonly master: string | null;
}

export async function writeNetdev(f: FixtureFiles, n: NetdevLayout): Promise<void> {
  const d = net(n.name);
  await f.file(`${d}/address`, `${n.mac}\n`);
  await f.file(`${d}/flags`, n.up ? '0x1003\n' : '0x1002\n');
  await f.file(`${d}/operstate`, n.up && n.carrier ? 'up\n' : 'down\n');
  // Like the kernel: carrier reads 1/0 while up, EINVAL (absent here) while down.
  if (n.up) await f.file(`${d}/carrier`, n.carrier ? '1\n' : '0\n');
  // A down link's speed cannot be read (EINVAL); an absent file stands in for that.
  if (n.speed !== null && n.up) await f.file(`${d}/speed`, n.speed);
  await f.file(`${d}/mtu`, 1500);
  if (n.master !== null) await f.link(`${d}/master`, `../${n.master}`);
  if (n.address !== null) {
    await f.dir(`${dev(n.address)}/net/${n.name}`);
    await f.link(`${d}/device`, `../../../bus/pci/devices/${n.address}`);
  }
}

export async function removeNetdev(
  f: FixtureFiles,
  name: string,
  address: string | null,
): Promise<void> {
  await f.remove(net(name));
  if (address !== null) await f.remove(`${dev(address)}/net/${name}`);
}
