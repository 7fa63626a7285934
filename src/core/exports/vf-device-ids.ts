/**
 * The PCI device id an SR-IOV PF gives its VFs, for the NICs vfleet meets
 * most. Exports need it to name VFs by model (Nova's `product_id`, the
 * device plugin's `devices`) without also naming the PF, whose id differs.
 * Keys are `vendor:device` of the PF; ids from the vendors' datasheets and
 * the kernel's pci.ids.
 */
const VF_DEVICE_BY_PF: Readonly<Record<string, string>> = {
  '8086:10c9': '10ca', // 82576 (igb -> igbvf)
  '8086:10e6': '10ca',
  '8086:10e7': '10ca',
  '8086:10e8': '10ca',
  '8086:1521': '1520', // I350 (igb -> igbvf)
  '8086:10fb': '10ed', // 82599 (ixgbe -> ixgbevf)
  '8086:1528': '1515', // X540
  '8086:1563': '1565', // X550
  '8086:1572': '154c', // X710 (i40e -> iavf)
  '8086:1583': '154c', // XL710
  '8086:158b': '154c', // XXV710
  '8086:1592': '1889', // E810-C (ice -> iavf)
  '8086:159b': '1889', // E810-XXV
  '15b3:1013': '1014', // ConnectX-4 (mlx5_core)
  '15b3:1015': '1016', // ConnectX-4 Lx
  '15b3:1017': '1018', // ConnectX-5
  '15b3:101b': '101c', // ConnectX-6
  '15b3:101d': '101e', // ConnectX-6 Dx
};

/** The VF device id for a PF model; null when vfleet does not know it. */
export const vfDeviceIdFor = (vendorId: string, deviceId: string): string | null =>
  VF_DEVICE_BY_PF[`${vendorId.toLowerCase()}:${deviceId.toLowerCase()}`] ?? null;
