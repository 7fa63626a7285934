import type { HostDetailView, HostPfView, VfView } from '../../../api/answers.js';
import type { VfOwner } from '../../../core/vocabulary.js';

/** What a VF cell shows: a state in words and a letter, never by colour alone. */
export type CellState = VfView['state'] | 'dirty';

export interface VfCell {
  readonly pciAddress: string;
  readonly index: number;
  readonly state: CellState;
  /** One letter in the cell (F free, R reserved, A allocated, Q quarantined, D dirty). */
  readonly letter: string;
  /** The cell's accessible name and tooltip: the VF and who holds it. */
  readonly title: string;
  /** The consumer the VF is handed to (openstack, ...); null when vfleet's or no spec's. */
  readonly handedTo: Exclude<VfOwner, 'vfleet'> | null;
}

/** The owner a VF is handed to, when not vfleet. */
export const handedTo = (owner: VfOwner | null): Exclude<VfOwner, 'vfleet'> | null =>
  owner === null || owner === 'vfleet' ? null : owner;

const LETTER: Readonly<Record<CellState, string>> = {
  free: 'F',
  reserved: 'R',
  allocated: 'A',
  quarantined: 'Q',
  dirty: 'D',
};

/** A released VF awaiting its reset shows as dirty, whatever its state says. */
export const cellState = (vf: Pick<VfView, 'state' | 'dirty'>): CellState =>
  vf.dirty ? 'dirty' : vf.state;

export function vfCell(vf: VfView): VfCell {
  const state = cellState(vf);
  const holder =
    vf.instance === null
      ? ''
      : ` to ${vf.instance}${vf.tenant === null ? '' : ` (${vf.tenant})`}${vf.network === null ? '' : ` on ${vf.network}`}`;
  const to = handedTo(vf.owner);
  return {
    pciAddress: vf.pciAddress,
    index: vf.index,
    state,
    letter: LETTER[state],
    title: `VF ${vf.index} ${vf.pciAddress}: ${state}${holder}${to === null ? '' : `, handed to ${to}`}`,
    handedTo: to,
  };
}

/** `up · 25000 Mb/s`, `down (set down)`, `not reported` from an agent that does not say. */
export function linkText(link: HostPfView['link']): string {
  if (link.state === null) return 'not reported';
  const speed = link.speedMbps === null ? '' : ` · ${link.speedMbps} Mb/s`;
  return `${link.state}${speed}${link.adminUp === false ? ' (set down)' : ''}`;
}

/**
 * A port's TX rate: `1000 Mbit/s`, or `none` for 0 (no cap, no guarantee:
 * what `ip link set vf … max_tx_rate 0` means); `–` when no port holds the VF.
 */
export const rateText = (mbps: number | null): string =>
  mbps === null ? '–' : mbps === 0 ? 'none' : `${mbps} Mbit/s`;

/** The grid of one PF, in VF index order. */
export const vfCells = (pf: HostPfView): VfCell[] =>
  [...pf.vfs].sort((a, b) => a.index - b.index).map(vfCell);

/** The VF with this PCI address on the host, with its PF; null when none. */
export function findVf(
  host: HostDetailView,
  pci: string | null,
): { pf: HostPfView; vf: VfView } | null {
  if (pci === null) return null;
  for (const pf of host.pfs) {
    const vf = pf.vfs.find((v) => v.pciAddress === pci);
    if (vf !== undefined) return { pf, vf };
  }
  return null;
}

/** A NUMA node's column on the host page: the node and the PFs attached to it. */
export interface NumaColumn {
  readonly node: number | null;
  readonly socket: number | null;
  readonly cpus: number | null;
  readonly pfs: HostPfView[];
}

/**
 * The host's NUMA nodes side by side, each with its PFs; PFs whose node the
 * kernel did not give (or a node the host did not report) get a column of
 * their own, "NUMA node unknown".
 */
export function numaColumns(host: HostDetailView): NumaColumn[] {
  const cols: NumaColumn[] = host.numaNodes
    .map((n) => ({ node: n.node, socket: n.socket, cpus: n.cpus, pfs: [] as HostPfView[] }))
    .sort((a, b) => a.node - b.node);
  const orphans: HostPfView[] = [];
  for (const pf of host.pfs) {
    const col = cols.find((c) => c.node === pf.numaNode);
    if (col === undefined) orphans.push(pf);
    else col.pfs.push(pf);
  }
  return orphans.length === 0
    ? cols
    : [...cols, { node: null, socket: null, cpus: null, pfs: orphans }];
}
