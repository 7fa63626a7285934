import type { DeviceSpec } from '../core/fleet/model.js';

/**
 * A device spec for tests: Intel PFs (vendor 8086), 4 VFs each on
 * physnet p1, untrusted, vfio-pci; override what the test is about.
 */
export const deviceSpec = (over: Partial<DeviceSpec> = {}): DeviceSpec => ({
  id: 's',
  name: 's',
  vendor: '8086',
  device: null,
  driver: null,
  pciAddress: null,
  pf: null,
  physnet: 'p1',
  trusted: false,
  numVfs: 4,
  vfDriver: 'vfio-pci',
  wholePf: false,
  owner: 'vfleet',
  bandwidth: null,
  eswitchMode: null,
  vdpa: false,
  createdAt: '2025-01-01T00:00:00Z',
  ...over,
});
