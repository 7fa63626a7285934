import type { HostInventory } from '../inventory.js';

/** Decides which kernel argument turns the IOMMU on (`intel_iommu=on` or `amd_iommu=on`). */
export const CPU_VENDORS = ['intel', 'amd', 'other'] as const;
export type CpuVendor = (typeof CPU_VENDORS)[number];

/** Decides which command rebuilds the grub configuration. */
export const OS_FAMILIES = ['debian', 'rhel', 'suse', 'other'] as const;
export type OsFamily = (typeof OS_FAMILIES)[number];

export const MASTER_KINDS = ['bridge', 'bond', 'other'] as const;
export type MasterKind = (typeof MASTER_KINDS)[number];

export interface MasterInfo {
  readonly name: string;
  readonly kind: MasterKind;
}

export interface KernelLog {
  /** Where the lines came from (`dmesg`, `/var/log/kern.log`), shown with the evidence. */
  readonly source: string;
  readonly lines: readonly string[];
}

/**
 * Everything the doctor rules look at, as plain data gathered by
 * src/host/doctor.ts. `null` means "could not be read", never "empty".
 */
export interface DoctorInput {
  /** /proc/cmdline. */
  readonly cmdline: string | null;
  /** From /proc/cpuinfo `vendor_id`. */
  readonly cpuVendor: CpuVendor | null;
  /**
   * What shows this host is itself a VM (the cpuinfo `hypervisor` flag, the
   * DMI vendor), or null on bare metal or when nothing tells: its IOMMU comes
   * from the hypervisor, not the firmware.
   */
  readonly virtualisation: string | null;
  readonly osFamily: OsFamily | null;
  /** /etc/default/grub, to show the exact line to change. */
  readonly grubDefault: string | null;
  /** The current boot's kernel log, or null with the reason in kernelLogProblem. */
  readonly kernelLog: KernelLog | null;
  readonly kernelLogProblem: string | null;
  /** Entries of /sys/class/iommu (`dmar0`, `ivhd0`). */
  readonly iommuClass: readonly string[] | null;
  /** Entries of /sys/kernel/iommu_groups. */
  readonly iommuGroups: readonly string[] | null;
  /** Number of NUMA nodes (/sys/devices/system/node/nodeN). */
  readonly numaNodes: number | null;
  /** Entries of /sys/bus/pci/drivers. */
  readonly pciDrivers: readonly string[] | null;
  /** Which of the modules doctor asks about are present in /sys/module (loaded or built in). */
  readonly modules: readonly string[];
  readonly inventory: HostInventory;
  /** Why the inventory is empty or partial, when the scan failed. */
  readonly inventoryProblem: string | null;
  /** PF PCI address -> the bridge or bond its netdev is enslaved to. */
  readonly masters: Readonly<Record<string, MasterInfo>>;
}
