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
  pfNode: number | null,
  socketOf: ReadonlyMap<number, number>,
): boolean {
  switch (policy) {
    case 'required':
      return pfNode === node.node;
    case 'legacy':
      return pfNode === null || pfNode === node.node;
    case 'socket':
      return pfNode !== null && socketOf.get(pfNode) === node.socket;
    case 'preferred':
      return true;
  }
}

/**
 * The NUMA node a PF is local to. The kernel reports numa_node -1 (null
 * here) when the firmware names no node; on a host with a single node, as
 * most single-socket servers are, every device is local to that one node.
 */
export function pfNumaNode(host: CandidateHost, pf: CandidatePf): number | null {
  if (pf.numaNode !== null) return pf.numaNode;
  const only = host.numaNodes.length === 1 ? host.numaNodes[0] : undefined;
  return only === undefined ? null : only.node;
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
    const local = host.pfs.filter((pf) => pfNumaNode(host, pf) === node.node);
    return local.length === host.pfs.length ? [local] : [local, [...host.pfs]];
  }
  return [host.pfs.filter((pf) => pfAllowed(policy, node, pfNumaNode(host, pf), socketOf))];
}

/** NUMA nodes with room for the vCPUs, most free first; [null] when the host reports none. */
export function nodesWithRoom(host: CandidateHost, vcpus: number): (CandidateNumaNode | null)[] {
  if (host.numaNodes.length === 0) return [null];
  return host.numaNodes
    .filter((n) => n.freeCpus >= vcpus)
    .sort((a, b) => b.freeCpus - a.freeCpus || a.node - b.node);
}
