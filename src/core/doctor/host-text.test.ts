import { describe, expect, it } from 'vitest';
import { hasKernelArg, parseCmdline, parseCpuVendor, parseOsFamily } from './host-text.js';

describe('parseCpuVendor', () => {
  it.each([
    ['GenuineIntel', 'intel'],
    ['AuthenticAMD', 'amd'],
    ['HygonGenuine', 'amd'],
    ['CentaurHauls', 'other'],
  ] as const)('reads vendor_id %s as %s', (id, vendor) => {
    expect(parseCpuVendor(`processor\t: 0\nvendor_id\t: ${id}\ncpu family\t: 6\n`)).toBe(vendor);
  });

  it('is null without a vendor_id line (e.g. arm64)', () => {
    expect(parseCpuVendor('processor\t: 0\nCPU implementer\t: 0x41\n')).toBeNull();
  });
});

describe('parseOsFamily', () => {
  it.each([
    ['ID=debian\n', 'debian'],
    ['ID=ubuntu\nID_LIKE=debian\n', 'debian'],
    ['ID="rocky"\nID_LIKE="rhel centos fedora"\n', 'rhel'],
    ['ID=fedora\n', 'rhel'],
    ['ID="opensuse-leap"\nID_LIKE="suse opensuse"\n', 'suse'],
    ['ID=alpine\n', 'other'],
  ] as const)('%j -> %s', (text, family) => {
    expect(parseOsFamily(text)).toBe(family);
  });

  it('is null when the file says nothing', () => {
    expect(parseOsFamily('PRETTY_NAME="x"\n')).toBeNull();
  });
});

describe('kernel command line', () => {
  it('lets a later argument win, as the kernel does', () => {
    expect(parseCmdline('intel_iommu=off quiet intel_iommu=on').get('intel_iommu')).toBe('on');
    expect(hasKernelArg('intel_iommu=on intel_iommu=off', 'intel_iommu=on')).toBe(false);
  });

  it('finds a value inside a comma list', () => {
    expect(hasKernelArg('pci=noaer,realloc', 'pci=realloc')).toBe(true);
    expect(hasKernelArg('intel_iommu=on,sm_on iommu=pt', 'intel_iommu=on')).toBe(true);
    expect(hasKernelArg('pci=noaer', 'pci=realloc')).toBe(false);
    expect(hasKernelArg(null, 'iommu=pt')).toBe(false);
  });
});
