/**
 * What the Kubernetes and libvirt exports read from the fleet: hosts, their
 * PFs and VFs with each VF's owner, physnet and trust, and the networks.
 * Kept to the fields these renderers use, so they stay pure and testable
 * without a controller; the CLI fills it from GET /v1/hosts/{id} and
 * GET /v1/networks.
 */
export interface OwnedVf {
  readonly index: number;
  readonly pciAddress: string;
  /** Who schedules the VF (the spec's owner); null when no spec governs it. */
  readonly owner: string | null;
  readonly physnet: string | null;
  readonly trusted: boolean;
  /** The driver bound at the agent's last scan (vfio-pci, iavf, ...); null when unknown. */
  readonly driver: string | null;
}

export interface OwnedPf {
  readonly pciAddress: string;
  readonly ifname: string | null;
  /** 4-hex PCI ids of the PF, lower case, as the API answers them. */
  readonly vendorId: string;
  readonly deviceId: string;
  /** VFs that exist on the PF now (sriov_numvfs). */
  readonly numVfs: number;
  readonly vfs: readonly OwnedVf[];
}

export interface OwnedHost {
  /** The host id, which is also its Kubernetes node name (kubernetes.io/hostname). */
  readonly id: string;
  readonly pfs: readonly OwnedPf[];
}

export interface ExportNetwork {
  readonly name: string;
  readonly tenant: string;
  readonly physnet: string;
  readonly vlan: number;
}

/** The VFs of one PF handed to one consumer for one physnet and trust. */
export interface VfGroup {
  readonly host: string;
  readonly physnet: string;
  readonly trusted: boolean;
  readonly pf: OwnedPf;
  /** Ascending by index. */
  readonly vfs: readonly OwnedVf[];
  /** Every VF of the PF is in this group (a pool may then name the PF itself). */
  readonly wholePf: boolean;
}

/**
 * The groups of VFs `owner` holds, by host, PF, physnet and trust, in a
 * stable order (host, PF address, physnet, untrusted first). A VF without a
 * physnet belongs to no network and is left out.
 */
export function vfGroups(hosts: readonly OwnedHost[], owner: string): VfGroup[] {
  const groups: VfGroup[] = [];
  for (const host of [...hosts].sort((a, b) => cmp(a.id, b.id))) {
    for (const pf of [...host.pfs].sort((a, b) => cmp(a.pciAddress, b.pciAddress))) {
      const byKey = new Map<string, OwnedVf[]>();
      for (const vf of pf.vfs) {
        if (vf.owner !== owner || vf.physnet === null) continue;
        const key = `${vf.physnet}\u0000${vf.trusted ? '1' : '0'}`;
        byKey.set(key, [...(byKey.get(key) ?? []), vf]);
      }
      for (const key of [...byKey.keys()].sort(cmp)) {
        const vfs = [...(byKey.get(key) ?? [])].sort((a, b) => a.index - b.index);
        const [physnet = '', trust = '0'] = key.split('\u0000');
        groups.push({
          host: host.id,
          physnet,
          trusted: trust === '1',
          pf,
          vfs,
          wholePf: vfs.length === pf.vfs.length && vfs.length === pf.numVfs,
        });
      }
    }
  }
  return groups;
}

/** VF indices as the device plugin and the operator write them: `0-3,5,7-8`. */
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
