import { assignPorts } from './assign-ports.js';
import { nodesWithRoom, pfTiers } from './numa.js';
import type {
  CandidateHost,
  CandidatePf,
  Placement,
  Rejections,
  ScheduleRequest,
  ScheduleResult,
  Weigher,
} from './types.js';

/**
 * Filters then weighs: every host is filtered once (cheap), then placed in
 * weigher order, each placement costing its NUMA nodes x ports x PFs. Hosts
 * with a NUMA-local placement come first, then the others, each best first,
 * so a caller that loses a race for the first can go on with the next.
 * `limit`: how many placements the caller will try; placing stops once that
 * many local ones are found (the answer is the same prefix as without it).
 */
export function schedule(
  hosts: readonly CandidateHost[],
  req: ScheduleRequest,
  weigher: Weigher,
  limit = Infinity,
): ScheduleResult {
  const rej: Rejections = { notReady: 0, unhealthy: 0, labels: 0, memory: 0, cpus: 0, vfs: 0 };
  const open: { host: CandidateHost; nodes: ReturnType<typeof nodesWithRoom>; score: number }[] =
    [];
  for (const host of hosts) {
    if (!host.ready) rej.notReady++;
    else if (!host.healthy) rej.unhealthy++;
    else if (!hasLabels(host.labels, req.hostLabels)) rej.labels++;
    else if (host.freeMemoryMb !== null && host.freeMemoryMb < req.memoryMb) rej.memory++;
    else {
      const nodes = nodesWithRoom(host, req.vcpus);
      if (nodes.length === 0) rej.cpus++;
      else open.push({ host, nodes, score: freeVfs(host) });
    }
  }
  const sign = weigher === 'pack' ? 1 : -1;
  open.sort((a, b) => sign * (a.score - b.score));
  const local: Placement[] = [];
  const other: Placement[] = [];
  for (const o of open) {
    const fit = placeOnHost(o.host, req, o.nodes);
    if (fit === null) rej.vfs++;
    else (fit.local ? local : other).push(fit.p);
    if (local.length >= limit) break;
  }
  if (local.length + other.length === 0)
    return { ok: false, message: noCapacity(hosts.length, req, rej), rejections: rej };
  return { ok: true, placements: [...local, ...other].slice(0, limit) };
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
      if (!mayFit(req, pfs)) continue;
      const ports = assignPorts(req.ports, pfs, req.distinctPfs);
      if (ports !== null) {
        return { p: { hostId: host.id, numaNode: node?.node ?? null, ports }, local: tier === 0 };
      }
    }
  }
  return null;
}

/** A quick necessary test before assignPorts: enough VFs on the physnets, and PFs when distinct. */
function mayFit(req: ScheduleRequest, pfs: readonly CandidatePf[]): boolean {
  const physnets = new Set(req.ports.map((p) => p.physnet));
  let withVfs = 0;
  let total = 0;
  for (const pf of pfs) {
    let n = 0;
    for (const g of pf.free) if (physnets.has(g.physnet)) n += g.count;
    if (n > 0) withVfs++;
    total += n;
  }
  return total >= req.ports.length && (!req.distinctPfs || withVfs >= req.ports.length);
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
