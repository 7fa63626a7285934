import type { HostImages } from '../libvirt/image-names.js';
import type { ClaimedPf, ClaimedVf, HostNumaNode } from '../libvirt/domain-request.js';
import { NO_HYPERVISOR, type HypervisorFacts } from '../libvirt/hypervisor-facts.js';
import { isOneOf, VF_DRIVER_KINDS, VHOST_VDPA } from '../vocabulary.js';
import type { NumaNode } from './model.js';

/**
 * What the controller keeps of a host's last report to render its domains:
 * each VF and PF as the renderers see a claimed device, the host's NUMA
 * nodes with their CPUs, and how libvirt is reached there. Rendering from
 * these (and not from the agent) lets `vfleet instance xml` print exactly
 * what the agent will define, before it does.
 */
export interface HostRenderFacts {
  readonly numa: readonly HostNumaNode[];
  /** By VF PCI address. */
  readonly vfs: Readonly<Record<string, ClaimedVf>>;
  /** By PF PCI address. */
  readonly pfs: Readonly<Record<string, ClaimedPf>>;
  readonly hypervisor: HypervisorFacts;
  /** The host's image store (`vfleet agent --image-dir`); absent from older agents. */
  readonly images?: HostImages | null;
}

/** The scan JSON fields the facts are made of (docs/scan-json.md); all optional but the keys. */
export interface ReportedDevices {
  readonly pfs: readonly {
    readonly pciAddress: string;
    readonly ifname: string | null;
    readonly numaNode: number | null;
    readonly iommuGroup?: number | null | undefined;
    readonly localCpuList?: readonly number[] | undefined;
    readonly vfs: readonly {
      readonly index: number;
      readonly pciAddress: string;
      readonly driverKind?: string | undefined;
      readonly netdev?: string | null | undefined;
      readonly iommuGroup?: number | null | undefined;
      readonly numaNode?: number | null | undefined;
      readonly vdpa?: ReportedVdpa | null | undefined;
    }[];
  }[];
}

/** A VF's vDPA device as the scan reports it (docs/scan-json.md). */
export interface ReportedVdpa {
  readonly charDev: string | null;
  readonly driver: string | null;
}

/** The char device a VM can open: only while vhost_vdpa holds the device. */
export const vhostVdpaDev = (v: ReportedVdpa | null | undefined): string | null =>
  v?.driver === VHOST_VDPA ? v.charDev : null;

export function hostRenderFactsOf(
  devices: ReportedDevices,
  numaNodes: readonly NumaNode[],
  hypervisor: HypervisorFacts = NO_HYPERVISOR,
  images: HostImages | null = null,
): HostRenderFacts {
  const vfs: Record<string, ClaimedVf> = {};
  const pfs: Record<string, ClaimedPf> = {};
  // numa_node -1 on a single-node host: the device is local to that node (as the scheduler has it).
  const only = numaNodes.length === 1 ? (numaNodes[0]?.node ?? null) : null;
  for (const pf of devices.pfs) {
    pfs[pf.pciAddress] = {
      pciAddress: pf.pciAddress,
      ifname: pf.ifname,
      iommuGroup: pf.iommuGroup ?? null,
      numaNode: pf.numaNode ?? only,
    };
    for (const vf of pf.vfs) {
      vfs[vf.pciAddress] = {
        pciAddress: vf.pciAddress,
        pfIfname: pf.ifname,
        vfIndex: vf.index,
        netdev: vf.netdev ?? null,
        driverKind: isOneOf(VF_DRIVER_KINDS, vf.driverKind) ? vf.driverKind : 'none',
        vdpaDevice: vhostVdpaDev(vf.vdpa),
        iommuGroup: vf.iommuGroup ?? null,
        numaNode: vf.numaNode ?? pf.numaNode ?? only,
      };
    }
  }
  return { numa: hostNuma(devices, numaNodes), vfs, pfs, hypervisor, images };
}

/**
 * NUMA nodes with their CPU lists: as the agent read them from
 * /sys/devices/system/node, or else from the PFs' local CPU lists (enough
 * to pin on the devices' nodes, which is all the renderers need).
 */
function hostNuma(devices: ReportedDevices, nodes: readonly NumaNode[]): HostNumaNode[] {
  const fromPfs = new Map<number, Set<number>>();
  for (const pf of devices.pfs) {
    if (pf.numaNode === null || pf.localCpuList === undefined) continue;
    const cpus = fromPfs.get(pf.numaNode) ?? new Set<number>();
    for (const c of pf.localCpuList) cpus.add(c);
    fromPfs.set(pf.numaNode, cpus);
  }
  const out = new Map<number, HostNumaNode>();
  for (const n of nodes) {
    const cpus = n.cpuList ?? [...(fromPfs.get(n.node) ?? [])].sort((a, b) => a - b);
    const pages = n.hugepages === undefined ? {} : { hugepages: n.hugepages };
    if (cpus.length > 0) out.set(n.node, { node: n.node, cpus, socket: n.socket, ...pages });
  }
  for (const [node, cpus] of fromPfs) {
    if (!out.has(node))
      out.set(node, { node, cpus: [...cpus].sort((a, b) => a - b), socket: null });
  }
  return [...out.values()].sort((a, b) => a.node - b.node);
}
