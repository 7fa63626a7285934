import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DoctorInput } from '../core/doctor/input.js';
import type { HostInventory, Pf, Vf } from '../core/inventory.js';
import { LAB_CAPTURE_DIR } from './fixture-from-capture.js';
import { inventory, pf, vf } from './inventory-builders.js';

/** Plain-data builders for doctor rule tests (no files, no processes), over inventory-builders. */
export function makeVf(index: number, over: Partial<Vf> = {}): Vf {
  return vf('0000:01:00.0', index, {
    pciAddress: `0000:01:10.${index}`,
    netdev: `eth${index + 2}`,
    mac: null,
    iommuGroup: 9 + index,
    ...over,
  });
}

export function makePf(over: Partial<Pf> = {}): Pf {
  const numVfs = over.numVfs ?? over.vfs?.length ?? 2;
  return pf('0000:01:00.0', {
    numaNode: 0,
    vfs: Array.from({ length: numVfs }, (_, i) => makeVf(i)),
    ...over,
    numVfs,
  });
}

export const makeInventory = (pfs: readonly Pf[]): HostInventory => inventory(pfs);

/** A healthy Intel host with the IOMMU on, unless overridden. */
export function makeInput(over: Partial<DoctorInput> = {}): DoctorInput {
  return {
    cmdline: 'BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet intel_iommu=on iommu=pt',
    cpuVendor: 'intel',
    virtualisation: null,
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
