import { hasVdpa, type ExportHost, type ExportPf, type ExportVf } from './export-fleet.js';

/**
 * The devices one consumer (kubernetes, libvirt-pool) is handed, grouped
 * the way its configuration names them, and the networks on them.
 */

/** A vfleet network (GET /v1/networks), reduced to what the exports name. */
export interface ExportNetwork {
  readonly name: string;
  readonly tenant: string;
  readonly physnet: string;
  readonly vlan: number;
}

/**
 * How a VF must be used, which decides the pools it may share: `vdpa`, it
 * has a vDPA device (a guest or pod opens the device, and taking the VF
 * itself, as a hostdev does, destroys it); `switchdev`, another VF of a PF in
 * switchdev mode (its traffic passes its representor, where VLANs and
 * filters go; the PF refuses them per VF); `legacy`, the rest.
 */
export type VfKind = 'legacy' | 'switchdev' | 'vdpa';

const kindOf = (pf: ExportPf, vf: ExportVf): VfKind =>
  hasVdpa(vf) ? 'vdpa' : pf.eswitchMode === 'switchdev' ? 'switchdev' : 'legacy';

/** The VFs of one PF handed to one consumer for one physnet, trust and kind. */
export interface VfGroup {
  /** The host's name, which is also its Kubernetes node name (kubernetes.io/hostname). */
  readonly host: string;
  readonly physnet: string;
  readonly trusted: boolean;
  readonly kind: VfKind;
  readonly pf: ExportPf;
  /** Ascending by index. */
  readonly vfs: readonly ExportVf[];
  /** Every VF of the PF is in this group (a pool may then name the PF itself). */
  readonly wholePf: boolean;
}

/**
 * The groups of VFs `owner` holds, by host, PF, physnet, trust and kind, in
 * a stable order (host, PF address, physnet, untrusted first, then kind). A
 * VF without a physnet belongs to no network and is left out.
 */
export function vfGroups(hosts: readonly ExportHost[], owner: string): VfGroup[] {
  const groups: VfGroup[] = [];
  for (const host of [...hosts].sort((a, b) => cmp(a.name, b.name))) {
    for (const pf of [...host.pfs].sort((a, b) => cmp(a.pciAddress, b.pciAddress))) {
      const byKey = new Map<string, ExportVf[]>();
      for (const vf of pf.vfs) {
        if (vf.owner !== owner || vf.physnet === null) continue;
        const key = `${vf.physnet}\u0000${vf.trusted ? '1' : '0'}\u0000${kindOf(pf, vf)}`;
        byKey.set(key, [...(byKey.get(key) ?? []), vf]);
      }
      for (const key of [...byKey.keys()].sort(cmp)) {
        const vfs = [...(byKey.get(key) ?? [])].sort((a, b) => a.index - b.index);
        const [physnet = '', trust = '0'] = key.split('\u0000');
        const [first] = vfs;
        groups.push({
          host: host.name,
          physnet,
          trusted: trust === '1',
          kind: first === undefined ? 'legacy' : kindOf(pf, first),
          pf,
          vfs,
          wholePf: vfs.length === pf.vfs.length,
        });
      }
    }
  }
  return groups;
}

/** VF indices as the device plugin writes them: `0-3,5,7-8`. */
export function indexRanges(indices: readonly number[]): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] ?? 0) + 1) j++;
    const first = sorted[i] ?? 0;
    const last = sorted[j] ?? 0;
    parts.push(first === last ? `${first}` : `${first}-${last}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** Code-point order, independent of the locale. */
export const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
