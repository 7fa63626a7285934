import { assignPorts } from './assign-ports.js';
import { nodesWithRoom, pfTiers } from './numa.js';
import type {
  CandidateHost,
  Placement,
  Rejections,
  ScheduleRequest,
  ScheduleResult,
  Weigher,
} from './types.js';

/**
 * Filters then weighs: every host is looked at once, each costs its NUMA
 * nodes x ports x PFs. Returns every fitting host, best first, so a caller
 * that loses a race for the first can go on with the next.
 */
export function schedule(
  hosts: readonly CandidateHost[],
  req: ScheduleRequest,
  weigher: Weigher,
): ScheduleResult {
  const rej: Rejections = { notReady: 0, unhealthy: 0, labels: 0, memory: 0, cpus: 0, vfs: 0 };
  const fits: { p: Placement; score: number; local: boolean }[] = [];
  for (const host of hosts) {
    if (!host.ready) rej.notReady++;
    else if (!host.healthy) rej.unhealthy++;
    else if (!hasLabels(host.labels, req.hostLabels)) rej.labels++;
    else if (host.freeMemoryMb !== null && host.freeMemoryMb < req.memoryMb) rej.memory++;
    else {
      const nodes = nodesWithRoom(host, req.vcpus);
      if (nodes.length === 0) rej.cpus++;
      else {
        const fit = placeOnHost(host, req, nodes);
        if (fit === null) rej.vfs++;
        else fits.push({ ...fit, score: freeVfs(host) });
      }
    }
  }
  if (fits.length === 0)
    return { ok: false, message: noCapacity(hosts.length, req, rej), rejections: rej };
  const sign = weigher === 'pack' ? 1 : -1;
  fits.sort((a, b) => Number(b.local) - Number(a.local) || sign * (a.score - b.score));
  return { ok: true, placements: fits.map((f) => f.p) };
}

function placeOnHost(
  host: CandidateHost,
  req: ScheduleRequest,
  nodes: ReturnType<typeof nodesWithRoom>,
): { p: Placement; local: boolean } | null {
  if (req.ports.length === 0) {
    return { p: { hostId: host.id, numaNode: nodes[0]?.node ?? null, ports: [] }, local: true };
  }
  for (const node of nodes) {
    const tiers = pfTiers(host, req.numaPolicy, node);
    for (const [tier, pfs] of tiers.entries()) {
      const ports = assignPorts(req.ports, pfs, req.distinctPfs);
      if (ports !== null) {
        return { p: { hostId: host.id, numaNode: node?.node ?? null, ports }, local: tier === 0 };
      }
    }
  }
  return null;
}

const hasLabels = (
  have: Readonly<Record<string, string>>,
  want: Readonly<Record<string, string>>,
) => Object.entries(want).every(([k, v]) => have[k] === v);

const freeVfs = (host: CandidateHost) =>
  host.pfs.reduce((n, pf) => n + pf.free.reduce((m, g) => m + g.count, 0), 0);

function noCapacity(total: number, req: ScheduleRequest, r: Rejections): string {
  const needs = new Map<string, number>();
  for (const p of req.ports) {
    const k = `${p.physnet}${p.trusted ? ' (trusted)' : ''}`;
    needs.set(k, (needs.get(k) ?? 0) + 1);
  }
  const vfText = [...needs].map(([k, n]) => `${n} free VF(s) on physnet ${k}`).join(', ');
  const want = [
    `${req.vcpus} free vCPU(s) on one NUMA node (policy ${req.numaPolicy})`,
    `${req.memoryMb} MiB memory`,
    ...(vfText === '' ? [] : [vfText + (req.distinctPfs ? ' on distinct PFs' : '')]),
  ].join(', ');
  const why = [
    [r.notReady, 'not ready (declared state not applied)'],
    [r.unhealthy, 'unhealthy or not seen lately'],
    [r.labels, `without labels ${JSON.stringify(req.hostLabels)}`],
    [r.memory, 'short of memory'],
    [r.cpus, 'short of free vCPUs on any NUMA node'],
    [r.vfs, 'short of matching free VFs'],
  ] as const;
  const parts = why.filter(([n]) => n > 0).map(([n, t]) => `${n} ${t}`);
  return total === 0
    ? `no capacity: no host has registered; the instance needs ${want}`
    : `no capacity: no host has ${want}; of ${total} host(s): ${parts.join(', ')}`;
}
