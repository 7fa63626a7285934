import type { CpuVendor, DoctorInput } from './input.js';

// Lines that prove DMA remapping is active. "AMD IOMMUv2 ... not available"
// is printed on Intel hosts too and proves nothing, so AMD needs these exact forms.
const ON_LINES = [
  /DMAR: IOMMU enabled/i,
  /DMAR: Intel\(R\) Virtualization Technology for Directed I\/O/i,
  /AMD-Vi: Found IOMMU/i,
  /AMD-Vi: Interrupt remapping enabled/i,
  /Detected AMD IOMMU #\d+/i,
];
const OFF_LINES = [
  /DMAR: IOMMU disabled/i,
  /AMD-Vi: (?:AMD )?IOMMU disabled/i,
  /\bIOMMU not found\b/i,
];
const PT_LINE = /iommu: Default domain type: \w+/i;

export interface IommuSigns {
  readonly on: boolean;
  readonly onLines: readonly string[];
  readonly offLines: readonly string[];
  readonly domainTypeLine: string | null;
  readonly vendor: CpuVendor | null;
}

const logLines = (input: DoctorInput, res: readonly RegExp[]) =>
  (input.kernelLog?.lines ?? []).filter((l) => res.some((r) => r.test(l)));

/**
 * IOMMU groups are the proof that matters for vfio: they exist only when an
 * IOMMU driver is active. The class entries and log lines are evidence.
 */
export function iommuSigns(input: DoctorInput): IommuSigns {
  const onLines = logLines(input, ON_LINES);
  const groups = input.iommuGroups?.length ?? 0;
  return {
    on: groups > 0,
    onLines,
    offLines: logLines(input, OFF_LINES),
    domainTypeLine: logLines(input, [PT_LINE])[0] ?? null,
    vendor: input.cpuVendor ?? vendorFromLog(input, onLines),
  };
}

/** When /proc/cpuinfo was not readable: the ACPI table the firmware offers names the vendor. */
function vendorFromLog(input: DoctorInput, onLines: readonly string[]): CpuVendor | null {
  const lines = [...onLines, ...logLines(input, [/ACPI: (?:DMAR|IVRS) /])];
  if (lines.some((l) => l.includes('DMAR'))) return 'intel';
  if (lines.some((l) => /AMD-Vi|AMD IOMMU|IVRS/.test(l))) return 'amd';
  return null;
}

export const IOMMU_ARGS: Readonly<Record<'intel' | 'amd', readonly string[]>> = {
  intel: ['intel_iommu=on', 'iommu=pt'],
  amd: ['amd_iommu=on', 'iommu=pt'],
};
