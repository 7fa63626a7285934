import type { CpuPinning, NumaPlacement } from '../../core/datapath/datapath-report.js';
import type { EndpointChoice } from '../../core/datapath/endpoint-choice.js';
import type { HostInventory } from '../../core/inventory.js';
import type { HostFs } from '../../core/ports.js';

/** What the report says about the machine, so two runs can be compared. */
export interface RunFacts {
  readonly kernel: string;
  readonly nic: string;
  readonly driver: string;
  readonly generator: string;
  readonly emulated: boolean;
  readonly caveat: string | null;
  readonly pinning: CpuPinning;
  readonly numa: NumaPlacement;
  /** The CPU whose pktgen thread sends. */
  readonly senderCpu: number;
  /** The PF's link speed, the search's ceiling; null when the PF does not say. */
  readonly linkMbps: number | null;
}

/** PCI subsystem vendor QEMU gives the devices it emulates (Red Hat's, 0x1af4). */
const QEMU_SUBSYSTEM_VENDOR = '0x1af4';

export const EMULATION_CAVEAT =
  'The NICs are emulated by QEMU: these figures measure the emulation and this machine’s CPUs, not a NIC. The order of the paths says nothing about hardware.';

/**
 * The sender's pktgen thread runs on the last CPU local to the PF (CPU 0
 * takes most of the host's own interrupts), so the figures are for the
 * NIC's NUMA node. The receiver is not pinned: its frames are handled where
 * the VF's interrupts land, as they would be for a host service.
 */
export async function runFacts(
  fs: HostFs,
  inv: HostInventory,
  choice: EndpointChoice,
): Promise<RunFacts> {
  const { pf } = choice;
  const subsystem = (
    await fs.readText(`/sys/bus/pci/devices/${pf.pciAddress}/subsystem_vendor`)
  )?.trim();
  const emulated = subsystem === QEMU_SUBSYSTEM_VENDOR;
  const senderCpu = pf.localCpuList.at(-1) ?? 0;
  const kernel = inv.kernel ?? 'unknown';
  const vfDriver =
    choice.vfs?.sender.driver ?? pf.vfs.find((v) => v.driver !== null)?.driver ?? null;
  const name = [pf.vendorName ?? pf.vendorId, pf.deviceName ?? pf.deviceId].join(' ');
  return {
    kernel,
    nic: `${name} (${pf.pciAddress}, ${pf.ifname})`,
    driver: `${pf.driver ?? 'none'} (PF)${vfDriver === null ? '' : `, ${vfDriver} (VF)`}`,
    generator: `pktgen (Linux ${kernel})`,
    emulated,
    caveat: emulated ? EMULATION_CAVEAT : null,
    pinning: { senderCpus: [senderCpu], receiverCpus: [] },
    senderCpu,
    numa: {
      nicNode: pf.numaNode,
      senderNode: pf.localCpuList.includes(senderCpu) ? pf.numaNode : null,
      receiverNode: null,
    },
    linkMbps: pf.speedMbps !== null && pf.speedMbps > 0 ? pf.speedMbps : null,
  };
}
