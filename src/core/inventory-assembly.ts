import type { HostFacts, PciFunctionFacts, VfLinkFacts } from './host-facts.js';
import type { HostInventory, OtherNic, Pf, Vf } from './inventory.js';
import { assembleNonPciPfs, assembleVdpa, switchView, vdpaOfVf } from './switchdev-assembly.js';
import { KERNEL_VF_DRIVER_BY_PF_DRIVER, VFIO_DRIVER } from './vocabulary.js';
import type { VfDriverKind } from './vocabulary.js';
import {
  comparePciAddress,
  formatPciAddress,
  parseCpuList,
  parsePciAddress,
  vfAddress,
} from './pci-address.js';

const KERNEL_VF_DRIVERS = new Set(Object.values(KERNEL_VF_DRIVER_BY_PF_DRIVER));

/** Joins sysfs and netlink facts into the inventory `host scan` reports. */
export function assembleInventory(facts: HostFacts): HostInventory {
  const byAddress = new Map(facts.functions.map((f) => [f.pciAddress, f]));
  const warnings = [...facts.warnings];
  const bare = facts.functions
    .filter((f) => f.sriov !== null && f.physfn === null)
    .sort((a, b) => comparePciAddress(a.pciAddress, b.pciAddress))
    .map((f) => assemblePf(f, facts, byAddress, warnings));
  const vdpa = assembleVdpa(facts, bare);
  const pfs = bare.map((pf) => ({
    ...pf,
    vfs: pf.vfs.map((v) => ({ ...v, vdpa: vdpaOfVf(vdpa, v.pciAddress) })),
  }));
  const claimed = new Set(pfs.flatMap((pf) => [pf.pciAddress, ...pf.vfs.map((v) => v.pciAddress)]));
  const otherNics = facts.functions
    .filter((f) => !claimed.has(f.pciAddress) && f.physfn === null)
    .sort((a, b) => comparePciAddress(a.pciAddress, b.pciAddress))
    .map((f) => otherNic(f, facts));
  return {
    hostname: facts.hostname,
    kernel: facts.kernel,
    pfs,
    otherNics,
    nonPciPfs: assembleNonPciPfs(facts),
    vdpa,
    warnings,
  };
}

const names = (f: PciFunctionFacts, facts: HostFacts) => ({
  vendorName: f.vendorId === null ? null : (facts.pciNames.get(f.vendorId) ?? null),
  deviceName:
    f.vendorId === null || f.deviceId === null
      ? null
      : (facts.pciNames.get(`${f.vendorId}:${f.deviceId}`) ?? null),
});

function assemblePf(
  f: PciFunctionFacts,
  facts: HostFacts,
  byAddress: ReadonlyMap<string, PciFunctionFacts>,
  warnings: string[],
): Pf {
  const sriov = f.sriov;
  const ifname = f.netdevs[0] ?? null;
  const netdev = ifname === null ? undefined : facts.netdevs.get(ifname);
  const vfLinks = ifname === null ? [] : (facts.vfLinks.get(ifname) ?? []);
  const numVfs = sriov?.numVfs ?? 0;
  const view = switchView(facts, `pci/${f.pciAddress}`, ifname);
  const vfs: Vf[] = [];
  for (let index = 0; index < numVfs; index++) {
    const address = vfAddressOf(f, index);
    if (address === null) {
      warnings.push(
        `${f.pciAddress}: cannot tell the address of VF ${index} (no virtfn${index} link, no offset/stride)`,
      );
      continue;
    }
    vfs.push({
      ...assembleVf(index, address, byAddress.get(address), vfLinks, facts),
      representor: view.representors.get(index) ?? null,
    });
  }
  return {
    pciAddress: f.pciAddress,
    vendorId: f.vendorId ?? '',
    deviceId: f.deviceId ?? '',
    ...names(f, facts),
    ifname,
    driver: f.driver,
    totalVfs: sriov?.totalVfs ?? 0,
    numVfs,
    vfDeviceId: sriov?.vfDeviceId ?? null,
    vfOffset: sriov?.offset ?? null,
    vfStride: sriov?.stride ?? null,
    mac: netdev?.mac ?? null,
    linkState: netdev?.operstate ?? null,
    adminUp: netdev?.adminUp ?? null,
    speedMbps: netdev?.speedMbps ?? null,
    mtu: netdev?.mtu ?? null,
    numaNode: f.numaNode,
    localCpus: f.localCpus,
    localCpuList: f.localCpus === null ? [] : (parseCpuList(f.localCpus) ?? []),
    iommuGroup: f.iommuGroup,
    master: netdev?.master ?? null,
    eswitchMode: view.eswitchMode,
    hwTcOffload: view.hwTcOffload,
    vfs,
  };
}

/** The kernel's `virtfnN` link when present, else the SR-IOV routing-id arithmetic. */
function vfAddressOf(pf: PciFunctionFacts, index: number): string | null {
  const link = pf.sriov?.virtfns.get(index);
  if (link !== undefined) return link;
  const bdf = parsePciAddress(pf.pciAddress);
  const offset = pf.sriov?.offset;
  const stride = pf.sriov?.stride;
  if (bdf === null || offset == null || stride == null) return null;
  return formatPciAddress(vfAddress(bdf, offset, stride, index));
}

function driverKind(driver: string | null, netdev: string | null): VfDriverKind {
  if (driver === null) return 'none';
  if (driver === VFIO_DRIVER) return 'vfio';
  return netdev !== null || KERNEL_VF_DRIVERS.has(driver) ? 'kernel' : 'other';
}

function assembleVf(
  index: number,
  pciAddress: string,
  f: PciFunctionFacts | undefined,
  vfLinks: readonly VfLinkFacts[],
  facts: HostFacts,
): Vf {
  const link = vfLinks.find((l) => l.index === index);
  const netdev = f?.netdevs[0] ?? null;
  const nd = netdev === null ? undefined : facts.netdevs.get(netdev);
  const driver = f?.driver ?? null;
  return {
    index,
    pciAddress,
    driver,
    driverKind: driverKind(driver, netdev),
    driverOverride: f?.driverOverride ?? null,
    netdev,
    netdevMac: nd?.mac ?? null,
    netdevUp: nd?.adminUp ?? null,
    mac: link?.mac ?? null,
    vlan: link?.vlan ?? 0,
    qos: link?.qos ?? 0,
    vlanProto: link?.vlanProto ?? '802.1Q',
    spoofchk: link?.spoofchk ?? null,
    trust: link?.trust ?? null,
    linkState: link?.linkState ?? null,
    minTxRate: link?.minTxRate ?? 0,
    maxTxRate: link?.maxTxRate ?? 0,
    iommuGroup: f?.iommuGroup ?? null,
    numaNode: f?.numaNode ?? null,
    master: nd?.master ?? null,
    representor: null,
    vdpa: null,
  };
}

function otherNic(f: PciFunctionFacts, facts: HostFacts): OtherNic {
  return {
    pciAddress: f.pciAddress,
    vendorId: f.vendorId ?? '',
    deviceId: f.deviceId ?? '',
    ...names(f, facts),
    driver: f.driver,
    ifname: f.netdevs[0] ?? null,
    numaNode: f.numaNode,
  };
}
