import type { HostDetailView } from '../../../api/answers.js';
import { cellState, type CellState } from '../host/vf-grid.js';

/** A VF to draw: its state when the answer gives it (a host's does, a port's does not). */
export interface DrawVf {
  readonly pci: string;
  /** null for a whole PF passed to a guest (direct-physical). */
  readonly index: number | null;
  readonly state: CellState | null;
  readonly instanceId: string | null;
  readonly instance: string | null;
  /** The tooltip and accessible name. */
  readonly title: string;
}
export interface DrawPf {
  readonly pci: string;
  readonly label: string;
  readonly vfs: readonly DrawVf[];
}
/** A host's PFs; `id` null draws no host header (the host page names it already). */
export interface DrawHost {
  readonly id: string | null;
  readonly pfs: readonly DrawPf[];
}

/** A drawn picture: host headers, PF bands, each with its VFs in a grid and the instances they serve. */
export interface Topology {
  readonly width: number;
  readonly height: number;
  readonly hosts: readonly { x: number; y: number; w: number; h: number; id: string }[];
  readonly pfs: readonly {
    x: number;
    y: number;
    w: number;
    h: number;
    label: string;
    pci: string;
    host: string | null;
  }[];
  readonly vfs: readonly {
    x: number;
    y: number;
    size: number;
    pci: string;
    index: number | null;
    state: CellState | null;
    title: string;
    host: string | null;
  }[];
  readonly instances: readonly {
    x: number;
    y: number;
    w: number;
    h: number;
    id: string;
    label: string;
  }[];
  /** From the VF along its row to the grid's edge (under the cells), then to the instance. */
  readonly links: readonly {
    x1: number;
    y1: number;
    bendX: number;
    x2: number;
    y2: number;
    pci: string;
    instance: string;
  }[];
}

/** Geometry: 16 VFs a row keeps 64 VFs in 4 rows of 22 px cells, readable without zoom. */
export const VF_COLUMNS = 16;
const CELL = 22;
const GAP = 4;
const PF_W = 170;
const INST_W = 170;
const INST_H = 28;
const HOST_H = 26;
const BAND_GAP = 24;
const MARGIN = 10;
const GRID_X = MARGIN + PF_W + 30;
const GRID_W = VF_COLUMNS * (CELL + GAP);
const INST_X = GRID_X + GRID_W + 80;
const WIDTH = INST_X + INST_W + MARGIN;

/**
 * Lays hosts out top to bottom: a header per named host, then one band per
 * PF: the PF on the left, its VFs in rows of VF_COLUMNS, and on the right
 * each instance holding a VF of that PF once, linked to its VFs. A band is
 * as tall as its VF rows or its instances, whichever needs more.
 */
export function layoutHosts(drawn: readonly DrawHost[]): Topology {
  const hosts: Topology['hosts'][number][] = [];
  const pfs: Topology['pfs'][number][] = [];
  const vfs: Topology['vfs'][number][] = [];
  const instances: Topology['instances'][number][] = [];
  const links: Topology['links'][number][] = [];
  let y = MARGIN;
  for (const host of drawn) {
    if (host.id !== null) {
      hosts.push({ x: MARGIN, y, w: WIDTH - 2 * MARGIN, h: HOST_H, id: host.id });
      y += HOST_H + GAP * 2;
    }
    for (const pf of host.pfs) {
      const sorted = [...pf.vfs].sort((a, b) => (a.index ?? -1) - (b.index ?? -1));
      const rows = Math.max(1, Math.ceil(sorted.length / VF_COLUMNS));
      const held = [...new Set(sorted.flatMap((v) => v.instanceId ?? []))];
      const bandH = Math.max(rows * (CELL + GAP), held.length * (INST_H + GAP), INST_H * 2);
      pfs.push({ x: MARGIN, y, w: PF_W, h: bandH, label: pf.label, pci: pf.pci, host: host.id });
      const instY = new Map<string, number>();
      held.forEach((id, i) => {
        const iy = y + i * (INST_H + GAP);
        instY.set(id, iy);
        const name = sorted.find((v) => v.instanceId === id)?.instance ?? id;
        instances.push({ x: INST_X, y: iy, w: INST_W, h: INST_H, id, label: name });
      });
      sorted.forEach((vf, i) => {
        const vx = GRID_X + (i % VF_COLUMNS) * (CELL + GAP);
        const vy = y + Math.floor(i / VF_COLUMNS) * (CELL + GAP);
        vfs.push({
          x: vx,
          y: vy,
          size: CELL,
          pci: vf.pci,
          index: vf.index,
          state: vf.state,
          title: vf.title,
          host: host.id,
        });
        const iy = vf.instanceId === null ? undefined : instY.get(vf.instanceId);
        if (iy !== undefined && vf.instanceId !== null)
          links.push({
            x1: vx + CELL / 2,
            y1: vy + CELL / 2,
            bendX: GRID_X + GRID_W + 10,
            x2: INST_X,
            y2: iy + INST_H / 2,
            pci: vf.pci,
            instance: vf.instanceId,
          });
      });
      y += bandH + BAND_GAP;
    }
  }
  return { width: WIDTH, height: Math.max(y, MARGIN * 2), hosts, pfs, vfs, instances, links };
}

/** One host as GET /v1/hosts/{id} gives it: every PF and every VF, by state. */
export function layoutTopology(host: HostDetailView): Topology {
  return layoutHosts([
    {
      id: null,
      pfs: host.pfs.map((pf) => ({
        pci: pf.pciAddress,
        label: `${pf.ifname ?? '?'} ${pf.pciAddress}`,
        vfs: pf.vfs.map((vf) => ({
          pci: vf.pciAddress,
          index: vf.index,
          state: cellState(vf),
          instanceId: vf.instanceId,
          instance: vf.instance,
          title: `VF ${vf.index} ${vf.pciAddress}: ${cellState(vf)}`,
        })),
      })),
    },
  ]);
}
