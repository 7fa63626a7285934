import type { NumaPolicy } from '../vocabulary.js';
import type { CandidateHost, CandidateNumaNode, CandidatePf } from './types.js';

/**
 * PCI NUMA affinity as OpenStack users know it, for an instance whose vCPUs
 * sit on `node`: `required` = the VF's PF on that node; `legacy` = the same,
 * but a PF without NUMA affinity is allowed; `socket` = on the node's socket;
 * `preferred` = anywhere, the node's own PFs tried first (tiers()).
 */
export function pfAllowed(
  policy: NumaPolicy,
  node: CandidateNumaNode,
  pf: CandidatePf,
  socketOf: ReadonlyMap<number, number>,
): boolean {
  switch (policy) {
    case 'required':
      return pf.numaNode === node.node;
    case 'legacy':
      return pf.numaNode === null || pf.numaNode === node.node;
    case 'socket':
      return pf.numaNode !== null && socketOf.get(pf.numaNode) === node.socket;
    case 'preferred':
      return true;
  }
}

/** PF sets to try for an instance on `node`, best first. */
export function pfTiers(
  host: CandidateHost,
  policy: NumaPolicy,
  node: CandidateNumaNode | null,
): CandidatePf[][] {
  if (node === null) return [[...host.pfs]];
  const socketOf = new Map(host.numaNodes.map((n) => [n.node, n.socket]));
  if (policy === 'preferred') {
    const local = host.pfs.filter((pf) => pf.numaNode === node.node);
    return local.length === host.pfs.length ? [local] : [local, [...host.pfs]];
  }
  return [host.pfs.filter((pf) => pfAllowed(policy, node, pf, socketOf))];
}

/** NUMA nodes with room for the vCPUs, most free first; [null] when the host reports none. */
export function nodesWithRoom(host: CandidateHost, vcpus: number): (CandidateNumaNode | null)[] {
  if (host.numaNodes.length === 0) return [null];
  return host.numaNodes
    .filter((n) => n.freeCpus >= vcpus)
    .sort((a, b) => b.freeCpus - a.freeCpus || a.node - b.node);
}
