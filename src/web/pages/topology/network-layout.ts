import type { PortView } from '../../../api/answers.js';
import { layoutHosts, type DrawHost, type DrawVf, type Topology } from './layout.js';

/** A network drawn from its ports, and the ports that hold no VF yet (not drawn). */
export interface NetworkTopology {
  readonly picture: Topology;
  readonly unplaced: number;
}

const byKey = <T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> => {
  const out = new Map<string, T[]>();
  for (const t of items) out.set(key(t), [...(out.get(key(t)) ?? []), t]);
  return out;
};

const drawnVf = (p: PortView & { pciAddress: string }): DrawVf => {
  const what = p.vfIndex === null ? `whole PF ${p.pciAddress}` : `VF ${p.vfIndex} ${p.pciAddress}`;
  const holder = p.instanceId === null ? 'no instance' : (p.instance ?? p.instanceId);
  return {
    pci: p.pciAddress,
    index: p.vfIndex,
    // The ports API gives no VF state: the picture shows who holds it, not its state.
    state: null,
    instanceId: p.instanceId,
    instance: p.instance,
    title: `${what}: port ${p.id}${p.mac === null ? '' : ` (${p.mac})`}, ${holder}`,
  };
};

/**
 * A network's ports as hosts → PFs → the VFs they hold → instances, as
 * GET /v1/ports?network= gives them (so a tenant sees its own network too):
 * hosts by name, PFs by PCI address, only the VFs the network's ports hold.
 */
export function layoutNetwork(ports: readonly PortView[]): NetworkTopology {
  const placed = ports.filter(
    (p): p is PortView & { host: string; pf: string; pciAddress: string } =>
      p.host !== null && p.pf !== null && p.pciAddress !== null,
  );
  const hosts: DrawHost[] = [...byKey(placed, (p) => p.host)]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, onHost]) => ({
      id,
      pfs: [...byKey(onHost, (p) => p.pf)]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([pci, onPf]) => ({ pci, label: pci, vfs: onPf.map(drawnVf) })),
    }));
  return { picture: layoutHosts(hosts), unplaced: ports.length - placed.length };
}
