import { readFile } from 'node:fs/promises';
import { formatPciAddress, parsePciAddress, vfAddress } from '../core/pci-address.js';
import type { FixtureFiles } from './fixture-files.js';
import { dev, removeNetdev, writeFunction, writeNetdev } from './fixture-layout.js';
import type { FakeIpState, VfInfoJson } from './fake-ip-state.js';
import { defaultVfInfo, netdevLink, randomMac } from './fake-ip-state.js';

export interface VfPlacement {
  readonly pfAddress: string;
  readonly pfIfname: string | null;
  readonly index: number;
  readonly offset: number;
  readonly stride: number;
  readonly vendorId: string;
  readonly vfDeviceId: string;
  readonly numaNode: number;
  readonly localCpus: string;
  readonly iommuGroup: number | null;
  /** Driver bound at creation (autoprobe), or null. */
  readonly driver: string | null;
  /** Netdev name when `driver` makes one. */
  readonly netdev: string | null;
  readonly info?: Partial<VfInfoJson>;
}

export const vfAddressFor = (pf: string, offset: number, stride: number, index: number): string => {
  const bdf = parsePciAddress(pf);
  if (bdf === null) throw new Error(`bad fixture PCI address ${pf}`);
  return formatPciAddress(vfAddress(bdf, offset, stride, index));
};

/** Creates one VF the way the kernel does on `sriov_numvfs` write. */
export async function createVf(f: FixtureFiles, ip: FakeIpState, p: VfPlacement): Promise<string> {
  const address = vfAddressFor(p.pfAddress, p.offset, p.stride, p.index);
  await writeFunction(f, {
    address,
    vendorId: p.vendorId,
    deviceId: p.vfDeviceId,
    numaNode: p.numaNode,
    localCpus: p.localCpus,
    iommuGroup: p.iommuGroup,
    driver: p.driver,
  });
  await f.link(`${dev(address)}/physfn`, `../${p.pfAddress}`);
  await f.link(`${dev(p.pfAddress)}/virtfn${p.index}`, `../${address}`);
  if (p.netdev !== null) await addVfNetdev(f, ip, p.netdev, address);
  const pfLink = ip.links.find((l) => l.ifname === p.pfIfname);
  if (pfLink) {
    const list = (pfLink.vfinfo_list ??= []);
    list.push({ ...defaultVfInfo(p.index), ...p.info });
    list.sort((a, b) => a.vf - b.vf);
  }
  return address;
}

export async function addVfNetdev(
  f: FixtureFiles,
  ip: FakeIpState,
  name: string,
  address: string,
): Promise<void> {
  const ifindex = Math.max(0, ...ip.links.map((l) => l.ifindex)) + 1;
  const mac = randomMac(ifindex * 7919);
  await writeNetdev(f, {
    name,
    address,
    mac,
    up: false,
    carrier: false,
    speed: null,
    master: null,
  });
  ip.links.push(netdevLink(ifindex, name, mac, false, address));
}

export async function dropVfNetdev(
  f: FixtureFiles,
  ip: FakeIpState,
  name: string,
  address: string,
): Promise<void> {
  await removeNetdev(f, name, address);
  ip.links = ip.links.filter((l) => l.ifname !== name);
}

/** Next free `ethN` name, as the kernel would pick. */
export function nextEthName(ip: FakeIpState): string {
  const used = new Set(ip.links.map((l) => l.ifname));
  let n = 0;
  while (used.has(`eth${n}`)) n++;
  return `eth${n}`;
}

export async function readTrim(path: string): Promise<string | null> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return null;
  }
}
