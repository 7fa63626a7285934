import { describe, expect, it } from 'vitest';
import { moduleName } from '../core/modules-dep.js';
import { selectModules } from './kernel-modules.js';

const errorOf = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
};

// Lines of modules.dep from Debian's 6.1.0-56-amd64 kernel after depmod.
const DEP = `kernel/drivers/net/ethernet/intel/igb/igb.ko: kernel/drivers/dca/dca.ko kernel/drivers/i2c/algos/i2c-algo-bit.ko
kernel/drivers/net/ethernet/intel/igbvf/igbvf.ko:
kernel/drivers/vfio/pci/vfio-pci.ko: kernel/drivers/vfio/pci/vfio-pci-core.ko kernel/drivers/vfio/vfio_virqfd.ko kernel/drivers/vfio/vfio.ko kernel/virt/lib/irqbypass.ko
kernel/drivers/vfio/vfio.ko:
kernel/drivers/dca/dca.ko:
`;
const BUILTIN =
  'kernel/drivers/iommu/intel/intel-iommu.ko\nkernel/drivers/tty/serial/8250/8250.ko\n';

describe('kernel module selection', () => {
  it('names modules the way modprobe does', () => {
    expect(moduleName('kernel/drivers/vfio/pci/vfio-pci.ko')).toBe('vfio_pci');
    expect(moduleName('kernel/fs/9p/9p.ko.xz')).toBe('9p');
  });

  it('takes each wanted module with everything modules.dep says it needs', () => {
    const sel = selectModules(['igb', 'vfio-pci'], DEP, BUILTIN);
    expect(sel.files).toEqual([
      'kernel/drivers/dca/dca.ko',
      'kernel/drivers/i2c/algos/i2c-algo-bit.ko',
      'kernel/drivers/net/ethernet/intel/igb/igb.ko',
      'kernel/drivers/vfio/pci/vfio-pci-core.ko',
      'kernel/drivers/vfio/pci/vfio-pci.ko',
      'kernel/drivers/vfio/vfio.ko',
      'kernel/drivers/vfio/vfio_virqfd.ko',
      'kernel/virt/lib/irqbypass.ko',
    ]);
    expect(sel.builtin).toEqual([]);
  });

  it('reports built-in modules instead of files', () => {
    const sel = selectModules(['igbvf', 'intel-iommu'], DEP, BUILTIN);
    expect(sel.files).toEqual(['kernel/drivers/net/ethernet/intel/igbvf/igbvf.ko']);
    expect(sel.builtin).toEqual(['intel_iommu']);
  });

  it('fails with UNSUPPORTED for a module the kernel does not have', () => {
    expect(errorOf(() => selectModules(['ixgbe'], DEP, BUILTIN))).toMatchObject({
      code: 'UNSUPPORTED',
    });
  });
});
