import { describe, expect, it } from 'vitest';
import { grubEditSteps, mergeKernelArgs } from './grub-edit.js';

const DEBIAN_GRUB = [
  'GRUB_DEFAULT=0',
  'GRUB_TIMEOUT=5',
  'GRUB_CMDLINE_LINUX_DEFAULT="quiet"',
  'GRUB_CMDLINE_LINUX="console=ttyS0"',
  '',
].join('\n');

describe('mergeKernelArgs', () => {
  it('appends new arguments and replaces one with the same key', () => {
    expect(mergeKernelArgs('quiet intel_iommu=off', ['intel_iommu=on', 'iommu=pt'])).toBe(
      'quiet intel_iommu=on iommu=pt',
    );
  });

  it('merges pci= options instead of dropping the ones already there', () => {
    expect(mergeKernelArgs('pci=noaer', ['pci=realloc'])).toBe('pci=noaer,realloc');
    expect(mergeKernelArgs('pci=realloc', ['pci=realloc'])).toBe('pci=realloc');
  });

  it('starts from an empty line', () => {
    expect(mergeKernelArgs('', ['amd_iommu=on', 'iommu=pt'])).toBe('amd_iommu=on iommu=pt');
  });
});

describe('grubEditSteps', () => {
  it('shows the exact old and new GRUB_CMDLINE_LINUX line and update-grub on Debian', () => {
    const steps = grubEditSteps(['intel_iommu=on', 'iommu=pt'], DEBIAN_GRUB, 'debian');
    expect(steps.slice(0, 4)).toEqual([
      'Edit /etc/default/grub and change the line',
      '    GRUB_CMDLINE_LINUX="console=ttyS0"',
      'to',
      '    GRUB_CMDLINE_LINUX="console=ttyS0 intel_iommu=on iommu=pt"',
    ]);
    expect(steps).toContain('Rebuild the grub configuration: sudo update-grub');
    expect(steps.at(-1)).toBe(
      'Reboot, then check that /proc/cmdline contains intel_iommu=on iommu=pt',
    );
  });

  it('uses grub2-mkconfig (and offers grubby) on RHEL-like systems', () => {
    const steps = grubEditSteps(
      ['amd_iommu=on', 'iommu=pt'],
      'GRUB_CMDLINE_LINUX="rhgb quiet"\n',
      'rhel',
    );
    expect(steps).toContain('    GRUB_CMDLINE_LINUX="rhgb quiet amd_iommu=on iommu=pt"');
    expect(steps).toContain(
      'Rebuild the grub configuration: sudo grub2-mkconfig -o /boot/grub2/grub.cfg',
    );
    expect(steps.join('\n')).toContain('grubby --update-kernel=ALL --args="amd_iommu=on iommu=pt"');
  });

  it('names both rebuild commands when the distribution is unknown', () => {
    const steps = grubEditSteps(['iommu=pt'], null, null);
    expect(steps[0]).toContain('(not readable here)');
    expect(steps[1]).toBe('    GRUB_CMDLINE_LINUX="<current arguments> iommu=pt"');
    expect(steps.join('\n')).toMatch(/update-grub.*grub2-mkconfig/);
  });

  it('asks to add the line when the file has none, and to remove a conflicting _DEFAULT argument', () => {
    const steps = grubEditSteps(
      ['intel_iommu=on'],
      'GRUB_CMDLINE_LINUX_DEFAULT="quiet intel_iommu=off"\n',
      'debian',
    );
    expect(steps[1]).toBe('    GRUB_CMDLINE_LINUX="intel_iommu=on"');
    expect(steps).toContain(
      'Also remove intel_iommu=off from GRUB_CMDLINE_LINUX_DEFAULT: it comes later on the command line and wins',
    );
  });

  it('edits the last GRUB_CMDLINE_LINUX assignment (the one that counts)', () => {
    const steps = grubEditSteps(
      ['iommu=pt'],
      'GRUB_CMDLINE_LINUX="a"\nGRUB_CMDLINE_LINUX="b"\n',
      'debian',
    );
    expect(steps[1]).toBe('    GRUB_CMDLINE_LINUX="b"');
    expect(steps[3]).toBe('    GRUB_CMDLINE_LINUX="b iommu=pt"');
  });
});
