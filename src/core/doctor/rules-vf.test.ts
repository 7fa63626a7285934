import { describe, expect, it } from 'vitest';
import { makeInput, makeInventory, makePf, makeVf } from '../../testing/doctor-input.js';
import { checkDriverFeatures } from './rules-driver.js';
import { checkVfDriver } from './rules-vf.js';
import { checkIommuGroups, checkVfioPci } from './rules-vfio.js';

const pfWithVfs = (...vfs: ReturnType<typeof makeVf>[]) =>
  makeInventory([makePf({ vfs, numVfs: vfs.length })]);

describe('checkVfDriver', () => {
  it('warns about VFs without a driver and suggests loading the kernel VF driver when absent', () => {
    const input = makeInput({
      pciDrivers: ['igb'],
      inventory: pfWithVfs(
        makeVf(0),
        makeVf(1, { driver: null, driverKind: 'none', netdev: null }),
      ),
    });
    const [f] = checkVfDriver(input);
    expect(f?.severity).toBe('warning');
    expect(f?.title).toBe('1 VF(s) have no driver');
    expect(f?.evidence).toEqual([
      '/sys/bus/pci/devices/0000:01:10.1/driver: (absent) (VF 1, driver_override: (none))',
    ]);
    expect(f?.fix?.[0]).toBe('Load the kernel VF driver: modprobe igbvf');
  });

  it('says nothing when every VF has a driver', () => {
    expect(checkVfDriver(makeInput())).toEqual([]);
  });
});

describe('checkVfioPci', () => {
  const wantsVfio = makeVf(3, {
    driver: null,
    driverKind: 'none',
    driverOverride: 'vfio-pci',
    netdev: null,
  });

  it('is an error when VFs are set to vfio-pci but it is not loaded', () => {
    const [f] = checkVfioPci(
      makeInput({ pciDrivers: ['igb', 'igbvf'], modules: [], inventory: pfWithVfs(wantsVfio) }),
    );
    expect(f?.severity).toBe('error');
    expect(f?.evidence).toEqual([
      '/sys/bus/pci/drivers/vfio-pci: (absent)',
      '/sys/module/vfio_pci: (absent)',
      '/sys/bus/pci/devices/0000:01:10.3/driver_override: vfio-pci',
    ]);
    expect(f?.fix?.[0]).toBe('Load it now: modprobe vfio-pci');
  });

  it('is info when nothing wants vfio-pci yet, ok when it is loaded', () => {
    expect(checkVfioPci(makeInput({ pciDrivers: ['igb'], modules: [] }))[0]?.severity).toBe('info');
    const bound = makeVf(0, { driver: 'vfio-pci', driverKind: 'vfio', driverOverride: 'vfio-pci' });
    const [ok] = checkVfioPci(makeInput({ inventory: pfWithVfs(bound) }));
    expect(ok?.severity).toBe('ok');
    expect(ok?.title).toBe('vfio-pci is loaded (1 VF(s) bound to it)');
  });
});

describe('checkIommuGroups', () => {
  it('warns about VFs without an IOMMU group while the IOMMU is on', () => {
    const input = makeInput({ inventory: pfWithVfs(makeVf(0), makeVf(1, { iommuGroup: null })) });
    const [f] = checkIommuGroups(input);
    expect(f?.severity).toBe('warning');
    expect(f?.evidence).toEqual(['/sys/bus/pci/devices/0000:01:10.1/iommu_group: (absent)']);
  });

  it('leaves a host with the IOMMU off to the iommu check', () => {
    const input = makeInput({
      iommuGroups: [],
      inventory: pfWithVfs(makeVf(0, { iommuGroup: null })),
    });
    expect(checkIommuGroups(input)).toEqual([]);
  });
});

describe('checkDriverFeatures', () => {
  it('notes that igb VFs have no link-state control', () => {
    const [f] = checkDriverFeatures(makeInput());
    expect(f?.severity).toBe('info');
    expect(f?.title).toContain('link-state');
    expect(f?.evidence.join('\n')).toContain('RTNETLINK answers: Operation not supported');
  });

  it('says nothing for drivers without known gaps or PFs without VFs', () => {
    expect(
      checkDriverFeatures(
        makeInput({ inventory: makeInventory([makePf({ driver: 'mlx5_core' })]) }),
      ),
    ).toEqual([]);
    expect(
      checkDriverFeatures(makeInput({ inventory: makeInventory([makePf({ totalVfs: 0 })]) })),
    ).toEqual([]);
  });
});
