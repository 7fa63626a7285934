import type { Finding } from './finding.js';
import { HOST_SUBJECT, capLines, finding } from './finding.js';
import { grubEditSteps } from './grub-edit.js';
import { hasKernelArg } from './host-text.js';
import type { DoctorInput } from './input.js';
import { IOMMU_ARGS, iommuSigns } from './iommu-signs.js';

const cmdlineEvidence = (input: DoctorInput) =>
  input.cmdline === null
    ? '/proc/cmdline: (not readable)'
    : `/proc/cmdline: ${input.cmdline.trim()}`;

const listEvidence = (path: string, entries: readonly string[] | null, noun: string) =>
  entries === null
    ? `${path}: (absent)`
    : entries.length === 0
      ? `${path}: (empty)`
      : noun === ''
        ? `${path}: ${entries.join(' ')}`
        : `${path}: ${entries.length} ${noun}`;

const logEvidence = (input: DoctorInput, lines: readonly string[]) =>
  capLines(
    lines.map((l) => `${input.kernelLog?.source ?? 'kernel log'}: ${l}`),
    3,
  );

/** Steps that turn the IOMMU on: firmware first, then the kernel argument for this CPU vendor. */
function iommuFix(input: DoctorInput, vendor: 'intel' | 'amd' | 'other' | null): string[] {
  const firmware =
    'Enable VT-d (Intel) or IOMMU / AMD-Vi (AMD) in the firmware (BIOS/UEFI) setup; SR-IOV there too';
  const variants = vendor === 'intel' || vendor === 'amd' ? [vendor] : (['intel', 'amd'] as const);
  const steps = [firmware];
  for (const v of variants) {
    const args = IOMMU_ARGS[v];
    if (args.every((a) => hasKernelArg(input.cmdline, a))) continue;
    if (variants.length > 1) steps.push(`On an ${v === 'intel' ? 'Intel' : 'AMD'} CPU:`);
    steps.push(...grubEditSteps(args, input.grubDefault, input.osFamily));
  }
  return steps;
}

/**
 * Inside a VM the IOMMU is the hypervisor's to give: no firmware setting of
 * the guest turns it on, so the fix is a virtual IOMMU, then the kernel
 * argument in the guest.
 */
function virtualIommuFix(input: DoctorInput): string[] {
  const steps = [
    'This host is a virtual machine: its hypervisor must expose a virtual IOMMU (BIOS/VT-d settings of the guest do not apply)',
    'QEMU: use the q35 machine with -machine q35,kernel-irqchip=split -device intel-iommu,intremap=on,caching-mode=on (before the devices it should cover)',
    "libvirt: machine type q35, <ioapic driver='qemu'/> under <features>, and under <devices>: <iommu model='intel'><driver intremap='on' caching_mode='on'/></iommu>",
    'The hypervisor host itself needs its IOMMU on (VT-d / AMD-Vi) to pass a real VF in; other hypervisors: enable their virtual IOMMU (VMware: "Expose IOMMU to the guest OS"; Hyper-V has none for guests)',
  ];
  if (!hasKernelArg(input.cmdline, 'intel_iommu=on'))
    steps.push(
      'In the guest:',
      ...grubEditSteps(['intel_iommu=on', 'iommu=pt'], input.grubDefault, input.osFamily),
    );
  return steps;
}

export function checkIommu(input: DoctorInput): Finding[] {
  const s = iommuSigns(input);
  const sysfs = [
    listEvidence('/sys/class/iommu', input.iommuClass, ''),
    listEvidence('/sys/kernel/iommu_groups', input.iommuGroups, 'groups'),
  ];
  if (s.on) {
    return [
      finding(
        'iommu',
        'ok',
        HOST_SUBJECT,
        `IOMMU is on (${input.iommuGroups?.length ?? 0} IOMMU groups)`,
        [cmdlineEvidence(input), ...logEvidence(input, s.onLines), ...sysfs],
      ),
    ];
  }
  const argsOn =
    hasKernelArg(input.cmdline, 'intel_iommu=on') || hasKernelArg(input.cmdline, 'amd_iommu=on');
  const logNote =
    s.offLines.length > 0
      ? logEvidence(input, s.offLines)
      : input.kernelLog === null
        ? []
        : [`${input.kernelLog.source}: no DMAR or AMD-Vi line saying the IOMMU is enabled`];
  const virtual = input.virtualisation;
  const title =
    argsOn && virtual !== null
      ? 'IOMMU is off although the kernel was asked for it: the hypervisor exposes no virtual IOMMU to this VM'
      : argsOn
        ? 'IOMMU is off although the kernel was asked for it: VT-d / AMD-Vi is off in the firmware'
        : 'IOMMU is off: VFs cannot be passed to VMs (vfio-pci needs IOMMU groups)';
  const fix =
    virtual !== null
      ? virtualIommuFix(input)
      : argsOn
        ? [
            'Enable VT-d (Intel) or IOMMU / AMD-Vi (AMD) in the firmware (BIOS/UEFI) setup, then reboot',
          ]
        : iommuFix(input, s.vendor);
  const virtualNote = virtual === null ? [] : [`virtual machine: ${virtual}`];
  return [
    finding(
      'iommu',
      'error',
      HOST_SUBJECT,
      title,
      [cmdlineEvidence(input), ...virtualNote, ...logNote, ...sysfs],
      fix,
    ),
  ];
}

/** Passthrough mode keeps host-owned devices off the IOMMU's translation path. */
export function checkIommuPt(input: DoctorInput): Finding[] {
  const s = iommuSigns(input);
  if (!s.on) return [];
  const evidence = [
    cmdlineEvidence(input),
    ...(s.domainTypeLine ? logEvidence(input, [s.domainTypeLine]) : []),
  ];
  if (hasKernelArg(input.cmdline, 'iommu=pt'))
    return [
      finding(
        'iommu-pt',
        'ok',
        HOST_SUBJECT,
        'iommu=pt is set: host devices bypass DMA translation',
        evidence,
      ),
    ];
  return [
    finding(
      'iommu-pt',
      'info',
      HOST_SUBJECT,
      'iommu=pt is not set: every host-owned device pays for DMA translation',
      evidence,
      [
        'Advice: add iommu=pt (VFs given to VMs stay isolated; only host drivers skip translation)',
        ...grubEditSteps(['iommu=pt'], input.grubDefault, input.osFamily),
      ],
    ),
  ];
}
