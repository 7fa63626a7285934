import type { CandidateHost, Placement } from './types.js';

/**
 * The fleet as a scheduler saw it, after one of its own claims: the VFs,
 * whole PFs, vCPUs and memory the claim took are no longer free on that host. Other
 * hosts are shared, unchanged, with the input.
 */
export function afterClaim(
  hosts: readonly CandidateHost[],
  placement: Placement,
  vcpus: number,
  memoryMb: number,
): CandidateHost[] {
  return hosts.map((h) =>
    h.id === placement.hostId ? hostAfter(h, placement, vcpus, memoryMb) : h,
  );
}

/** One host after a claim on it: the claimed VFs, whole PFs, vCPUs and memory no longer free. */
export function hostAfter(
  h: CandidateHost,
  placement: Placement,
  vcpus: number,
  memoryMb: number,
): CandidateHost {
  const taken = new Map<string, number>();
  const wholeTaken = new Set<number>();
  for (const p of placement.ports) {
    if (p.wholePf === true) wholeTaken.add(p.pfId);
    const k = `${p.pfId}|${p.physnet}|${p.vfTrusted}|${p.vfNetdev ?? false}|${p.vfVdpa === true}`;
    taken.set(k, (taken.get(k) ?? 0) + 1);
  }
  return {
    ...h,
    freeMemoryMb: h.freeMemoryMb === null ? null : h.freeMemoryMb - memoryMb,
    numaNodes: h.numaNodes.map((n) =>
      n.node === placement.numaNode ? { ...n, freeCpus: n.freeCpus - vcpus } : n,
    ),
    pfs: h.pfs.map((pf) => ({
      id: pf.id,
      pciAddress: pf.pciAddress,
      numaNode: pf.numaNode,
      free: pf.free.map((g) => {
        const n =
          taken.get(`${pf.id}|${g.physnet}|${g.trusted}|${g.netdev}|${g.vdpa === true}`) ?? 0;
        return n === 0 ? g : { ...g, count: Math.max(0, g.count - n) };
      }),
      ...(pf.whole === undefined || wholeTaken.has(pf.id) ? {} : { whole: pf.whole }),
    })),
  };
}
