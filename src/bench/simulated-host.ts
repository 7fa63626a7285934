import type { DesiredState } from '../core/fleet/desired-host-state.js';
import type { HostInventory, Pf, Vf } from '../core/inventory.js';
import { NO_VDPA } from '../core/inventory.js';
import type { ApplyReport } from '../core/plan/apply-report.js';
import { computeHostPlan, resolveVfDriver } from '../core/plan/compute-plan.js';
import { formatPciAddress, parsePciAddress, vfAddress } from '../core/pci-address.js';
import { VFIO_DRIVER } from '../core/vocabulary.js';

/**
 * A host without sysfs, for fleet-scale benches: its inventory lives in
 * memory, shaped like a scan of an igb host (8086:1521, VFs at routing-id
 * offset 128, stride 1, as fleet-seed.ts numbers them), and applying a
 * desired state changes that inventory the way a successful apply changes
 * the kernel's. The real planner (computeHostPlan) plans the apply and
 * verifies it afterwards, as apply-host-state.ts does with its re-scan.
 */
export interface SimulatedHostShape {
  readonly name: string;
  readonly pfs: number;
  /** The SR-IOV capability's TotalVFs (igb has 7; benches ask for more). */
  readonly totalVfs: number;
  /** PCI bus of the first PF; PF i sits on bus + i. */
  readonly bus: number;
}

const VF_OFFSET = 128;
const VF_STRIDE = 1;

/** Hex pairs derived from the host name and PF so every PF MAC in the fleet differs. */
function pfMac(name: string, pf: number): string {
  let h = 0x811c9dc5;
  for (const c of `${name}/${pf}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  const bytes = [0x52, 0x54, (h >>> 24) & 0xff, (h >>> 16) & 0xff, (h >>> 8) & 0xff, h & 0xff];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** The host as a fresh boot finds it: PFs up on igb, no VFs yet, PF i on NUMA node i % 2. */
export function simulatedInventory(s: SimulatedHostShape): HostInventory {
  const pfs = Array.from({ length: s.pfs }, (_, i): Pf => {
    const bus = (s.bus + i).toString(16).padStart(2, '0');
    return {
      pciAddress: `0000:${bus}:00.0`,
      vendorId: '8086',
      deviceId: '1521',
      vendorName: null,
      deviceName: null,
      ifname: `ens${s.bus + i}f0`,
      driver: 'igb',
      totalVfs: s.totalVfs,
      numVfs: 0,
      vfDeviceId: '1520',
      vfOffset: VF_OFFSET,
      vfStride: VF_STRIDE,
      mac: pfMac(s.name, i),
      linkState: 'up',
      adminUp: true,
      speedMbps: 1000,
      mtu: 1500,
      numaNode: i % 2,
      localCpus: null,
      localCpuList: [],
      iommuGroup: 10 + i,
      master: null,
      eswitchMode: null,
      hwTcOffload: null,
      vfs: [],
    };
  });
  return {
    hostname: s.name,
    kernel: '6.1.0-sim',
    pfs,
    otherNics: [],
    nonPciPfs: [],
    vdpa: NO_VDPA,
    warnings: [],
  };
}

function freshVf(pf: Pf, index: number): Vf {
  const bdf = parsePciAddress(pf.pciAddress);
  if (bdf === null) throw new Error(`bad PF address ${pf.pciAddress}`);
  return {
    index,
    pciAddress: formatPciAddress(vfAddress(bdf, VF_OFFSET, VF_STRIDE, index)),
    driver: 'igbvf',
    driverKind: 'kernel',
    driverOverride: null,
    netdev: null,
    netdevMac: null,
    netdevUp: false,
    mac: '00:00:00:00:00:00',
    vlan: 0,
    qos: 0,
    vlanProto: '802.1Q',
    spoofchk: true,
    trust: false,
    linkState: 'auto',
    minTxRate: 0,
    maxTxRate: 0,
    iommuGroup: 1000 + index,
    numaNode: pf.numaNode,
    master: null,
    representor: null,
    vdpa: null,
  };
}

/** What the kernel would show once every step of the state succeeded. */
export function inventoryAfter(state: DesiredState, inv: HostInventory): HostInventory {
  const wanted = new Map(state.pfs.map((p) => [p.pciAddress, p]));
  const pfs = inv.pfs.map((pf): Pf => {
    const d = wanted.get(pf.pciAddress);
    if (d === undefined) return pf;
    // A count change goes through 0: the VFs are created afresh.
    const kept = d.numVfs === pf.numVfs ? pf.vfs : [];
    const target = resolveVfDriver(d.vfDriver, pf.driver);
    const settings = new Map(d.vfs.map((v) => [v.index, v]));
    const vfs = Array.from({ length: d.numVfs }, (_, i): Vf => {
      const base = kept[i] ?? freshVf(pf, i);
      const s = settings.get(i);
      const vfio = target?.driver === VFIO_DRIVER;
      return {
        ...base,
        ...(target === null
          ? {}
          : {
              driver: target.driver,
              driverKind: vfio ? 'vfio' : 'kernel',
              driverOverride: target.method === 'override' ? target.driver : null,
              netdev: vfio ? null : base.netdev,
            }),
        ...(s === undefined
          ? {}
          : {
              trust: s.trust,
              ...(s.mac === undefined ? {} : { mac: s.mac }),
              ...(s.vlan === undefined ? {} : { vlan: s.vlan }),
              ...(s.spoofchk === undefined ? {} : { spoofchk: s.spoofchk }),
              ...(s.maxTxRate === undefined ? {} : { maxTxRate: s.maxTxRate }),
              ...(s.minTxRate === undefined ? {} : { minTxRate: s.minTxRate }),
            }),
      };
    });
    return { ...pf, numVfs: d.numVfs, adminUp: d.up || pf.adminUp, vfs };
  });
  return { ...inv, pfs };
}

/**
 * Applies `state` to the simulated host: planned by the real planner (a
 * state it refuses fails here as on a real host), then verified by planning
 * again against the result, which must need no change.
 */
export function applySimulated(
  state: DesiredState,
  inv: HostInventory,
): { report: ApplyReport; inventory: HostInventory } {
  const plan = computeHostPlan(state, inv);
  const after = inventoryAfter(state, inv);
  const remaining = computeHostPlan(state, after).changes;
  if (remaining !== 0) throw new Error(`simulated apply left ${remaining} change(s) pending`);
  return {
    report: {
      plan,
      steps: [],
      remainingChanges: 0,
      converged: true,
      forced: [],
      loadedDrivers: [],
    },
    inventory: after,
  };
}
