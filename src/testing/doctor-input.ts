import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DoctorInput } from '../core/doctor/input.js';
import type { HostInventory, Pf, Vf } from '../core/inventory.js';
import { LAB_CAPTURE_DIR } from './fixture-from-capture.js';

/** Plain-data builders for doctor rule tests (no files, no processes). */
export function makeVf(index: number, over: Partial<Vf> = {}): Vf {
  return {
    index,
    pciAddress: `0000:01:10.${index}`,
    driver: 'igbvf',
    driverKind: 'kernel',
    driverOverride: null,
    netdev: `eth${index + 2}`,
    mac: null,
    vlan: 0,
    qos: 0,
    vlanProto: '802.1Q',
    spoofchk: true,
    trust: false,
    linkState: 'auto',
    minTxRate: 0,
    maxTxRate: 0,
    iommuGroup: 9 + index,
    numaNode: null,
    master: null,
    ...over,
  };
}

export function makePf(over: Partial<Pf> = {}): Pf {
  const numVfs = over.numVfs ?? over.vfs?.length ?? 2;
  return {
    pciAddress: '0000:01:00.0',
    vendorId: '8086',
    deviceId: '10c9',
    vendorName: null,
    deviceName: null,
    ifname: 'eth0',
    driver: 'igb',
    totalVfs: 7,
    numVfs,
    vfDeviceId: '10ca',
    vfOffset: 128,
    vfStride: 2,
    mac: '52:54:00:12:34:56',
    linkState: 'up',
    adminUp: true,
    speedMbps: 1000,
    mtu: 1500,
    numaNode: 0,
    localCpus: '0-1',
    localCpuList: [0, 1],
    iommuGroup: 6,
    master: null,
    vfs: Array.from({ length: numVfs }, (_, i) => makeVf(i)),
    ...over,
  };
}

export const makeInventory = (pfs: readonly Pf[]): HostInventory => ({
  hostname: 'test',
  kernel: '6.1.0',
  pfs,
  otherNics: [],
  warnings: [],
});

/** A healthy Intel host with the IOMMU on, unless overridden. */
export function makeInput(over: Partial<DoctorInput> = {}): DoctorInput {
  return {
    cmdline: 'BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet intel_iommu=on iommu=pt',
    cpuVendor: 'intel',
    osFamily: 'debian',
    grubDefault: 'GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\nGRUB_CMDLINE_LINUX=""\n',
    kernelLog: { source: 'dmesg', lines: ['[    0.155201] DMAR: IOMMU enabled'] },
    kernelLogProblem: null,
    iommuClass: ['dmar0'],
    iommuGroups: ['0', '1', '2'],
    numaNodes: 1,
    pciDrivers: ['igb', 'igbvf', 'vfio-pci'],
    modules: ['vfio_pci'],
    inventory: makeInventory([makePf()]),
    inventoryProblem: null,
    masters: {},
    ...over,
  };
}

export const labCaptureText = (name: string): string =>
  readFileSync(join(LAB_CAPTURE_DIR, name), 'utf8');
export const labCaptureLines = (name: string): string[] =>
  labCaptureText(name)
    .split('\n')
    .filter((l) => l.trim() !== '');
