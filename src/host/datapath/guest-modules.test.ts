import { describe, expect, it } from 'vitest';
import type { HostFs } from '../../core/ports.js';
import { guestModules } from './guest-modules.js';

const RELEASE = '6.1.0-28-amd64';
const DIR = `/lib/modules/${RELEASE}`;

/** depmod's index as a real one writes it: every dependency, the last to load first. */
const MODULES_DEP = `kernel/drivers/net/virtio_net.ko: kernel/drivers/net/net_failover.ko kernel/net/core/failover.ko
kernel/drivers/net/net_failover.ko: kernel/net/core/failover.ko
kernel/net/core/failover.ko:
kernel/drivers/virtio/virtio_pci.ko.xz: kernel/drivers/virtio/virtio_pci_legacy_dev.ko.xz kernel/drivers/virtio/virtio_pci_modern_dev.ko.xz
kernel/drivers/virtio/virtio_pci_legacy_dev.ko.xz:
kernel/drivers/virtio/virtio_pci_modern_dev.ko.xz:
kernel/drivers/net/ethernet/intel/e1000/e1000.ko:
`;
const MODULES_BUILTIN = 'kernel/drivers/virtio/virtio.ko\nkernel/drivers/virtio/virtio_ring.ko\n';

function fsWith(files: Record<string, string>): HostFs {
  const no = () => Promise.reject(new Error('read only'));
  return {
    readText: (p) => Promise.resolve(files[p] ?? null),
    listDir: () => Promise.resolve(null),
    readLink: () => Promise.resolve(null),
    exists: (p) => Promise.resolve(p in files),
    writeText: no,
    writeFileAtomic: no,
  };
}

const fs = fsWith({
  [`${DIR}/modules.dep`]: MODULES_DEP,
  [`${DIR}/modules.builtin`]: MODULES_BUILTIN,
});

describe('guestModules', () => {
  it('lists each module after its dependencies, each once, as modprobe would load them', async () => {
    const got = await guestModules(fs, RELEASE, [
      'virtio-pci',
      'virtio_net',
      'e1000',
      'virtio_pci',
    ]);
    expect(got.files).toEqual([
      {
        name: 'virtio_pci_modern_dev',
        file: `${DIR}/kernel/drivers/virtio/virtio_pci_modern_dev.ko.xz`,
      },
      {
        name: 'virtio_pci_legacy_dev',
        file: `${DIR}/kernel/drivers/virtio/virtio_pci_legacy_dev.ko.xz`,
      },
      { name: 'virtio_pci', file: `${DIR}/kernel/drivers/virtio/virtio_pci.ko.xz` },
      { name: 'failover', file: `${DIR}/kernel/net/core/failover.ko` },
      { name: 'net_failover', file: `${DIR}/kernel/drivers/net/net_failover.ko` },
      { name: 'virtio_net', file: `${DIR}/kernel/drivers/net/virtio_net.ko` },
      { name: 'e1000', file: `${DIR}/kernel/drivers/net/ethernet/intel/e1000/e1000.ko` },
    ]);
    expect(got.missing).toEqual([]);
  });

  it('needs no file for a built-in module, and names the ones the kernel lacks', async () => {
    const got = await guestModules(fs, RELEASE, ['virtio', 'igbvf', 'mlx5-core']);
    expect(got).toEqual({ files: [], missing: ['igbvf', 'mlx5_core'] });
  });

  it('finds nothing for a kernel without a module index', async () => {
    const got = await guestModules(fsWith({}), RELEASE, ['e1000']);
    expect(got).toEqual({ files: [], missing: ['e1000'] });
  });
});
