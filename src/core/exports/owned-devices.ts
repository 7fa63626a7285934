import type { ExportHost, ExportPf, ExportVf } from './export-fleet.js';

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

/** The VFs of one PF handed to one consumer for one physnet and trust. */
export interface VfGroup {
  /** The host's name, which is also its Kubernetes node name (kubernetes.io/hostname). */
  readonly host: string;
  readonly physnet: string;
  readonly trusted: boolean;
  readonly pf: ExportPf;
  /** Ascending by index. */
  readonly vfs: readonly ExportVf[];
  /** Every VF of the PF is in this group (a pool may then name the PF itself). */
  readonly wholePf: boolean;
}

/**
 * The groups of VFs `owner` holds, by host, PF, physnet and trust, in a
 * stable order (host, PF address, physnet, untrusted first). A VF without a
 * physnet belongs to no network and is left out.
 */
export function vfGroups(hosts: readonly ExportHost[], owner: string): VfGroup[] {
  const groups: VfGroup[] = [];
  for (const host of [...hosts].sort((a, b) => cmp(a.name, b.name))) {
    for (const pf of [...host.pfs].sort((a, b) => cmp(a.pciAddress, b.pciAddress))) {
      const byKey = new Map<string, ExportVf[]>();
      for (const vf of pf.vfs) {
        if (vf.owner !== owner || vf.physnet === null) continue;
        const key = `${vf.physnet}\u0000${vf.trusted ? '1' : '0'}`;
        byKey.set(key, [...(byKey.get(key) ?? []), vf]);
      }
      for (const key of [...byKey.keys()].sort(cmp)) {
        const vfs = [...(byKey.get(key) ?? [])].sort((a, b) => a.index - b.index);
        const [physnet = '', trust = '0'] = key.split('\u0000');
        groups.push({
          host: host.name,
          physnet,
          trusted: trust === '1',
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
