import { describe, expect, it } from 'vitest';
import type { DesiredState } from '../core/fleet/desired-host-state.js';
import { RESET_VF } from '../core/fleet/desired-host-state.js';
import { computeHostPlan } from '../core/plan/compute-plan.js';
import { applySimulated, inventoryAfter, simulatedInventory } from './simulated-host.js';

const shape = { name: 'h1', pfs: 2, totalVfs: 64, bus: 0x20 };
const want = (numVfs: number, vfDriver = 'vfio-pci'): DesiredState => ({
  pfs: ['0000:20:00.0', '0000:21:00.0'].map((pciAddress) => ({
    pciAddress,
    numVfs,
    vfDriver,
    up: true,
    vfs: Array.from({ length: numVfs }, (_, index) => ({ index, ...RESET_VF })),
  })),
});

describe('simulated host', () => {
  it('starts as a fresh igb host: PFs on buses bus, bus+1, NUMA nodes 0 and 1, no VFs', () => {
    const inv = simulatedInventory(shape);
    expect(
      inv.pfs.map((p) => [p.pciAddress, p.vendorId, p.deviceId, p.numaNode, p.numVfs]),
    ).toEqual([
      ['0000:20:00.0', '8086', '1521', 0, 0],
      ['0000:21:00.0', '8086', '1521', 1, 0],
    ]);
    expect(new Set(inv.pfs.map((p) => p.mac)).size).toBe(2);
  });

  it('with 8 PFs (the 8-VFs-on-8-PFs fleet) puts four on each NUMA node, as fleet-seed.ts does', () => {
    const inv = simulatedInventory({ ...shape, pfs: 8, bus: 0x10 });
    expect(inv.pfs.map((p) => [p.pciAddress, p.numaNode])).toEqual(
      Array.from({ length: 8 }, (_, i) => [`0000:${(0x10 + i).toString(16)}:00.0`, i % 2]),
    );
    expect(inv.pfs.filter((p) => p.numaNode === 0)).toHaveLength(4);
  });

  it('applying creates the VFs at the capability addresses, bound as asked, and converges', () => {
    const { report, inventory } = applySimulated(want(64), simulatedInventory(shape));
    expect(report.plan.changes).toBeGreaterThan(0);
    const pf = inventory.pfs[0];
    expect(pf?.numVfs).toBe(64);
    expect(pf?.vfs[0]?.pciAddress).toBe('0000:20:10.0');
    expect(pf?.vfs[63]?.pciAddress).toBe('0000:20:17.7');
    expect(new Set(inventory.pfs.flatMap((p) => p.vfs.map((v) => v.pciAddress))).size).toBe(128);
    expect(pf?.vfs.every((v) => v.driver === 'vfio-pci' && v.driverKind === 'vfio')).toBe(true);
    expect(computeHostPlan(want(64), inventory).changes).toBe(0);
    // A driver change keeps the VFs (same addresses), rebinds them.
    const again = inventoryAfter(want(64, 'kernel'), inventory);
    expect(again.pfs[0]?.vfs.map((v) => v.pciAddress)).toEqual(pf?.vfs.map((v) => v.pciAddress));
    expect(again.pfs[0]?.vfs[0]?.driver).toBe('igbvf');
  });

  it('refuses what the real planner refuses: more VFs than TotalVFs', () => {
    expect(() => applySimulated(want(65), simulatedInventory(shape))).toThrow(/exceeds totalVfs/);
  });
});
