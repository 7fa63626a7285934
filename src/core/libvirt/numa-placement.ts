import type { NumaPolicy } from '../vocabulary.js';
import type { Problems } from './problems.js';
import type { HostNumaNode, DomainRequest, DomainPort } from './domain-request.js';

/** Where an instance's vCPUs, emulator threads and memory go on its host. */
export interface NumaPlacement {
  readonly policy: NumaPolicy;
  /** Host NUMA nodes for guest memory (`<numatune>` nodeset). */
  readonly nodes: readonly number[];
  /** Host CPUs local to the instance's devices (`<vcpupin>`, `<emulatorpin>`). */
  readonly cpus: readonly number[];
  readonly memoryMode: 'strict' | 'preferred';
}

interface DeviceNode {
  readonly field: string;
  readonly node: number | null;
}

function deviceNodes(ports: readonly DomainPort[]): DeviceNode[] {
  return ports.flatMap((p, i): DeviceNode[] => {
    if (p.vnicType === 'normal') return [];
    if (p.vnicType === 'direct-physical') {
      return [{ field: `ports[${i}].pf.numaNode`, node: p.pf.numaNode }];
    }
    return [{ field: `ports[${i}].vf.numaNode`, node: p.vf.numaNode }];
  });
}

/** The node holding most devices; the lowest one on a tie. */
function majorityNode(nodes: readonly number[]): number | undefined {
  const counts = new Map<number, number>();
  for (const n of nodes) counts.set(n, (counts.get(n) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0];
}

function sameNode(
  devs: readonly DeviceNode[],
  policy: NumaPolicy,
  problems: Problems,
): number | null {
  const known = devs.filter((d): d is DeviceNode & { node: number } => d.node !== null);
  const first = known[0];
  if (first === undefined) return null;
  for (const d of known) {
    if (d.node !== first.node) {
      problems.add(
        d.field,
        `on NUMA node ${d.node}, but ${first.field} is on node ${first.node}; ` +
          `policy ${policy} keeps every device of an instance on one node`,
      );
    }
  }
  return first.node;
}

function requireKnown(devs: readonly DeviceNode[], policy: NumaPolicy, problems: Problems): void {
  for (const d of devs) {
    if (d.node === null) {
      problems.add(
        d.field,
        `the host reports no NUMA node for this device; policy ${policy} needs one`,
      );
    }
  }
}

function socketNodes(
  devs: readonly DeviceNode[],
  host: readonly HostNumaNode[],
  problems: Problems,
): number[] {
  const sockets = new Map<number, string>();
  for (const d of devs) {
    if (d.node === null) continue;
    const k = host.findIndex((h) => h.node === d.node);
    const h = host[k];
    if (h === undefined) continue; // reported by the node check in resolveNumaPlacement
    if (h.socket === null) {
      problems.add(
        `hostNuma[${k}].socket`,
        `unknown socket of NUMA node ${h.node}; policy socket needs it`,
      );
    } else if (sockets.size > 0 && !sockets.has(h.socket)) {
      const [other, otherField] = [...sockets.entries()][0] ?? [0, ''];
      problems.add(
        d.field,
        `on socket ${h.socket}, but ${otherField} is on socket ${other}; ` +
          'policy socket keeps every device of an instance on one socket',
      );
    } else if (!sockets.has(h.socket)) sockets.set(h.socket, d.field);
  }
  const socket = [...sockets.keys()][0];
  return socket === undefined ? [] : host.filter((h) => h.socket === socket).map((h) => h.node);
}

/**
 * Maps the instance's NUMA policy and its devices' nodes to a placement
 * (docs/libvirt.md): required/legacy → strict on the devices' node;
 * preferred → the node with most devices, memory preferred; socket → every
 * node of the devices' socket, strict. null when there is nothing to be
 * local to. Problems are added, never thrown, so validation reports them all.
 */
export function resolveNumaPlacement(w: DomainRequest, problems: Problems): NumaPlacement | null {
  const devs = deviceNodes(w.ports);
  if (devs.length === 0) return null;
  const before = problems.count;
  let nodes: number[] = [];
  switch (w.numaPolicy) {
    case 'required':
    case 'legacy': {
      if (w.numaPolicy === 'required') requireKnown(devs, w.numaPolicy, problems);
      const n = sameNode(devs, w.numaPolicy, problems);
      nodes = n === null ? [] : [n];
      break;
    }
    case 'preferred': {
      const n = majorityNode(devs.flatMap((d) => (d.node === null ? [] : [d.node])));
      nodes = n === undefined ? [] : [n];
      break;
    }
    case 'socket':
      requireKnown(devs, w.numaPolicy, problems);
      nodes = socketNodes(devs, w.hostNuma, problems);
      break;
  }
  for (const d of devs) {
    if (d.node !== null && !w.hostNuma.some((h) => h.node === d.node)) {
      problems.add('hostNuma', `NUMA node ${d.node} (of ${d.field}) is not listed`);
    }
  }
  if (problems.count > before || nodes.length === 0) return null;
  const cpus = w.hostNuma.filter((h) => nodes.includes(h.node)).flatMap((h) => h.cpus);
  if (cpus.length === 0) {
    problems.add('hostNuma', `NUMA node(s) ${nodes.join(',')} list no CPUs to pin to`);
    return null;
  }
  return {
    policy: w.numaPolicy,
    nodes: [...nodes].sort((a, b) => a - b),
    cpus: [...new Set(cpus)].sort((a, b) => a - b),
    memoryMode: w.numaPolicy === 'preferred' ? 'preferred' : 'strict',
  };
}
