import { describe, expect, it } from 'vitest';
import { labCaptureLines, labCaptureText, makeInput } from '../../testing/doctor-input.js';
import type { DoctorInput } from './input.js';
import { detectVirtualisation } from './host-text.js';
import { checkIommu, checkIommuPt } from './rules-iommu.js';

/** The lab machine: real cmdline, boot log and /sys/kernel/iommu_groups + /sys/class/iommu listings. */
function labInput(): DoctorInput {
  const listing = labCaptureLines('iommu-groups.txt');
  return makeInput({
    cmdline: labCaptureText('cmdline.txt').trim(),
    cpuVendor: null,
    kernelLog: { source: 'dmesg', lines: labCaptureLines('dmesg.txt') },
    iommuGroups: listing.filter((l) => /^\d+$/.test(l)),
    iommuClass: listing.flatMap((l) => /\s(\S+) -> /.exec(l)?.[1] ?? []),
  });
}

const OFF_LOG = [
  '[    0.000000] Linux version 6.1.0',
  '[    0.120000] ACPI: Reserving FACP table memory',
];
const off = (over: Partial<DoctorInput> = {}) =>
  makeInput({
    cmdline: 'BOOT_IMAGE=/vmlinuz-6.1.0 root=/dev/sda1 ro quiet',
    kernelLog: { source: 'dmesg', lines: OFF_LOG },
    iommuClass: [],
    iommuGroups: [],
    grubDefault: 'GRUB_CMDLINE_LINUX_DEFAULT="quiet"\nGRUB_CMDLINE_LINUX=""\n',
    ...over,
  });

describe('checkIommu', () => {
  it('reports the lab capture as IOMMU on, with the cmdline, DMAR line and sysfs as evidence', () => {
    const input = labInput();
    const [f] = checkIommu(input);
    expect(f?.severity).toBe('ok');
    expect(f?.title).toContain(`${input.iommuGroups?.length ?? 0} IOMMU groups`);
    expect(f?.evidence).toContain(`/proc/cmdline: ${labCaptureText('cmdline.txt').trim()}`);
    expect(f?.evidence.some((e) => e.endsWith('DMAR: IOMMU enabled'))).toBe(true);
    expect(f?.evidence).toContain('/sys/class/iommu: dmar0');
    // "AMD IOMMUv2 functionality not available" is in the lab log and proves nothing.
    expect(f?.evidence.join('\n')).not.toContain('AMD IOMMUv2');
  });

  it('reports IOMMU off on Intel as an error with the exact grub edit', () => {
    const [f] = checkIommu(off({ cpuVendor: 'intel' }));
    expect(f?.severity).toBe('error');
    expect(f?.evidence).toEqual([
      '/proc/cmdline: BOOT_IMAGE=/vmlinuz-6.1.0 root=/dev/sda1 ro quiet',
      'dmesg: no DMAR or AMD-Vi line saying the IOMMU is enabled',
      '/sys/class/iommu: (empty)',
      '/sys/kernel/iommu_groups: (empty)',
    ]);
    expect(f?.fix).toEqual([
      'Enable VT-d (Intel) or IOMMU / AMD-Vi (AMD) in the firmware (BIOS/UEFI) setup; SR-IOV there too',
      'Edit /etc/default/grub and change the line',
      '    GRUB_CMDLINE_LINUX=""',
      'to',
      '    GRUB_CMDLINE_LINUX="intel_iommu=on iommu=pt"',
      'Rebuild the grub configuration: sudo update-grub',
      'Reboot, then check that /proc/cmdline contains intel_iommu=on iommu=pt',
    ]);
  });

  it('gives the AMD arguments on an AMD CPU', () => {
    const fix = checkIommu(off({ cpuVendor: 'amd', osFamily: 'rhel' }))[0]?.fix ?? [];
    expect(fix).toContain('    GRUB_CMDLINE_LINUX="amd_iommu=on iommu=pt"');
    expect(fix).toContain(
      'Rebuild the grub configuration: sudo grub2-mkconfig -o /boot/grub2/grub.cfg',
    );
    expect(fix.join('\n')).not.toContain('intel_iommu');
  });

  it('offers both variants when the CPU vendor is unknown', () => {
    const fix = checkIommu(off({ cpuVendor: null }))[0]?.fix ?? [];
    expect(fix).toContain('On an Intel CPU:');
    expect(fix).toContain('On an AMD CPU:');
  });

  it('tells the vendor from the firmware ACPI table when /proc/cpuinfo is unreadable', () => {
    const lines = [
      ...OFF_LOG,
      '[    0.067219] ACPI: IVRS 0x00000000BF7C6000 0000D0 (v02 AMD    AmdTable)',
    ];
    const fix =
      checkIommu(off({ cpuVendor: null, kernelLog: { source: 'dmesg', lines } }))[0]?.fix ?? [];
    expect(fix.join('\n')).toContain('amd_iommu=on iommu=pt');
    expect(fix.join('\n')).not.toContain('intel_iommu');
  });

  it('blames the firmware when the kernel argument is there but no IOMMU came up', () => {
    const [f] = checkIommu(off({ cmdline: 'ro quiet intel_iommu=on iommu=pt' }));
    expect(f?.severity).toBe('error');
    expect(f?.title).toContain('firmware');
    expect(f?.fix?.join('\n')).not.toContain('GRUB_CMDLINE_LINUX');
  });

  it('quotes a "DMAR: IOMMU disabled" line and replaces intel_iommu=off in the grub line', () => {
    const [f] = checkIommu(
      off({
        cmdline: 'ro intel_iommu=off',
        grubDefault: 'GRUB_CMDLINE_LINUX="intel_iommu=off"\n',
        kernelLog: { source: 'dmesg', lines: ['[    0.1] DMAR: IOMMU disabled'] },
      }),
    );
    expect(f?.evidence).toContain('dmesg: [    0.1] DMAR: IOMMU disabled');
    expect(f?.fix).toContain('    GRUB_CMDLINE_LINUX="intel_iommu=on iommu=pt"');
  });
});

describe('checkIommuPt', () => {
  it('is ok on the lab capture (iommu=pt, passthrough default domain)', () => {
    const [f] = checkIommuPt(labInput());
    expect(f?.severity).toBe('ok');
    expect(f?.evidence.some((e) => e.includes('Default domain type: Passthrough'))).toBe(true);
  });

  it('advises iommu=pt with the grub edit when the IOMMU is on without it', () => {
    const [f] = checkIommuPt(makeInput({ cmdline: 'ro quiet intel_iommu=on' }));
    expect(f?.severity).toBe('info');
    expect(f?.fix).toContain('    GRUB_CMDLINE_LINUX="iommu=pt"');
  });

  it('says nothing while the IOMMU is off (the iommu finding already carries iommu=pt)', () => {
    expect(checkIommuPt(off())).toEqual([]);
  });
});

describe('checkIommu inside a VM', () => {
  const vm = 'QEMU (/proc/cpuinfo flags: hypervisor)';

  it('asks the hypervisor for a virtual IOMMU, not the firmware, and names the guest argument', () => {
    const [f] = checkIommu(off({ virtualisation: vm }));
    expect(f?.severity).toBe('error');
    expect(f?.evidence).toContain(`virtual machine: ${vm}`);
    expect(f?.fix?.[0]).toMatch(/hypervisor must expose a virtual IOMMU/);
    expect(f?.fix?.join('\n')).toContain('-device intel-iommu,intremap=on,caching-mode=on');
    expect(f?.fix?.join('\n')).toContain("<iommu model='intel'>");
    expect(f?.fix).toContain('    GRUB_CMDLINE_LINUX="intel_iommu=on iommu=pt"');
    expect(f?.fix?.join('\n')).not.toMatch(/firmware \(BIOS\/UEFI\) setup/);
  });

  it('with intel_iommu=on already given, blames the hypervisor, not VT-d in the firmware', () => {
    const [f] = checkIommu(
      off({ virtualisation: vm, cmdline: 'BOOT_IMAGE=/vmlinuz ro intel_iommu=on' }),
    );
    expect(f?.title).toBe(
      'IOMMU is off although the kernel was asked for it: the hypervisor exposes no virtual IOMMU to this VM',
    );
    expect(f?.fix?.join('\n')).not.toContain('GRUB_CMDLINE_LINUX');
  });

  it('detectVirtualisation: the cpuinfo flag and the DMI names; bare metal gives null', () => {
    expect(detectVirtualisation('flags\t: fpu vme hypervisor lahf_lm\n', null, null)).toBe(
      '/proc/cpuinfo flags: hypervisor',
    );
    expect(detectVirtualisation(null, 'Microsoft Corporation\n', 'Virtual Machine\n')).toBe(
      '/sys/class/dmi/id/sys_vendor: Microsoft Corporation; /sys/class/dmi/id/product_name: Virtual Machine',
    );
    expect(
      detectVirtualisation('flags\t: fpu vme\n', 'Dell Inc.\n', 'PowerEdge R650\n'),
    ).toBeNull();
  });
});
