import { nodesWithRoom, pfTiers } from './numa.js';
import { freeDevices, mayFit, placePorts } from './place-ports.js';
import type {
  CandidateHost,
  Placement,
  PortNeed,
  VfFeature,
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
 * `random`: vary the order among those few per request (see varyOrder), so
 * concurrent requests do not all queue for the same first host.
 */
export function schedule(
  hosts: readonly CandidateHost[],
  req: ScheduleRequest,
  weigher: Weigher,
  limit = Infinity,
  random?: () => number,
): ScheduleResult {
  const sign = weigher === 'pack' ? 1 : -1;
  // A stable sort: hosts of one score stay in the order given (the store's: by id).
  const ordered = hosts
    .map((host) => ({ host, score: freeDevices(host.pfs) }))
    .sort((a, b) => sign * (a.score - b.score))
    .map((o) => o.host);
  return scheduleOrdered(ordered, hosts.length, req, { limit, random });
}

export interface WalkOptions {
  /** How many placements the caller will try (see schedule). */
  readonly limit?: number;
  readonly random?: (() => number) | undefined;
  /**
   * Once `limit` placements are found but not all NUMA-local, how many more
   * hosts to look at for local ones before settling (default: all). The
   * fleet view bounds it: a request whose ports can never be local on any
   * host (8 distinct PFs over two nodes) would otherwise walk the fleet.
   */
  readonly lookahead?: number;
}

/**
 * schedule() over hosts already in weigher order (best first), walked only
 * as far as needed: the fleet view (fleet-index.ts) hands them over without
 * sorting the fleet. `total`: the fleet's size, for the refusal's message.
 */
export function scheduleOrdered(
  hosts: Iterable<CandidateHost>,
  total: number,
  req: ScheduleRequest,
  o: WalkOptions = {},
): ScheduleResult {
  const limit = o.limit ?? Infinity;
  const lookahead = o.lookahead ?? Infinity;
  const rej: Rejections = {
    cordoned: 0,
    notReady: 0,
    unhealthy: 0,
    labels: 0,
    memory: 0,
    cpus: 0,
    vfs: 0,
  };
  const local: Placement[] = [];
  const other: Placement[] = [];
  let beyond = 0;
  for (const host of hosts) {
    if (local.length + other.length >= limit && ++beyond > lookahead) break;
    if (host.cordoned) rej.cordoned++;
    else if (!host.ready) rej.notReady++;
    else if (!host.healthy) rej.unhealthy++;
    else if (!hasLabels(host.labels, req.hostLabels)) rej.labels++;
    else if (host.freeMemoryMb !== null && host.freeMemoryMb < req.memoryMb) rej.memory++;
    else {
      const nodes = nodesWithRoom(host, req.vcpus);
      if (nodes.length === 0) rej.cpus++;
      else {
        const fit = placeOnHost(host, req, nodes);
        if (fit === null) rej.vfs++;
        else (fit.local ? local : other).push(fit.p);
        if (local.length >= limit) break;
      }
    }
  }
  if (local.length + other.length === 0)
    return { ok: false, message: noCapacity(total, req, rej), rejections: rej };
  const first = local.slice(0, limit);
  const rest = other.slice(0, limit - first.length);
  return {
    ok: true,
    placements:
      o.random === undefined
        ? [...first, ...rest]
        : [...varyOrder(first, o.random), ...varyOrder(rest, o.random)],
  };
}

/**
 * The same placements, rotated by a random offset. Callers pass a small
 * limit (the few best), so the first choice stays among the best by the
 * weigher (pack still fills the fullest hosts, a few at a time) while
 * concurrent requests start on different hosts and every one is still tried.
 */
export function varyOrder<T>(items: readonly T[], random: () => number): T[] {
  if (items.length < 2) return [...items];
  const k = Math.min(items.length - 1, Math.floor(random() * items.length));
  return [...items.slice(k), ...items.slice(0, k)];
}

function placeOnHost(
  host: CandidateHost,
  req: ScheduleRequest,
  nodes: ReturnType<typeof nodesWithRoom>,
): { p: Placement; local: boolean } | null {
  if (req.ports.length === 0) {
    return { p: { hostId: host.id, numaNode: nodes[0]?.node ?? null, ports: [] }, local: true };
  }
  // Tier by tier over all nodes: with `preferred`, a local fit on any node
  // with room beats a remote one on the node with the most free CPUs.
  const byNode = nodes.map((node) => ({ node, tiers: pfTiers(host, req.numaPolicy, node) }));
  const depth = Math.max(...byNode.map((n) => n.tiers.length));
  for (let tier = 0; tier < depth; tier++) {
    for (const { node, tiers } of byNode) {
      const pfs = tiers[tier];
      if (pfs === undefined || !mayFit(req.ports, pfs, req.distinctPfs)) continue;
      const ports = placePorts(req.ports, pfs, req.distinctPfs);
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

function noCapacity(total: number, req: ScheduleRequest, r: Rejections): string {
  const needs = new Map<string, number>();
  for (const p of req.ports) {
    const k =
      p.wholePf === true
        ? `whole PF(s) on physnet ${p.physnet}`
        : `VF(s)${featureText(p)} on physnet ${p.physnet}${p.trusted ? ' (trusted)' : ''}`;
    needs.set(k, (needs.get(k) ?? 0) + 1);
  }
  const vfText = [...needs].map(([k, n]) => `${n} free ${k}`).join(', ');
  const want = [
    `${req.vcpus} free vCPU(s) on one NUMA node (policy ${req.numaPolicy})`,
    `${req.memoryMb} MiB memory`,
    ...(vfText === '' ? [] : [vfText + (req.distinctPfs ? ' on distinct PFs' : '')]),
  ].join(', ');
  const why = [
    [r.cordoned, 'cordoned'],
    [r.notReady, 'not ready (declared state not applied)'],
    [r.unhealthy, 'unhealthy or not seen lately'],
    [r.labels, `without labels ${JSON.stringify(req.hostLabels)}`],
    [r.memory, 'short of memory'],
    [r.cpus, 'short of free vCPUs on any NUMA node'],
    [
      r.vfs,
      `short of matching free ${req.ports.some((p) => p.wholePf) ? 'VFs or whole PFs' : 'VFs'}`,
    ],
  ] as const;
  const parts = why.filter(([n]) => n > 0).map(([n, t]) => `${n} ${t}`);
  return total === 0
    ? `no capacity: no host has registered; the instance needs ${want}`
    : `no capacity: no host has ${want}; of ${total} host(s): ${parts.join(', ')}`;
}

const FEATURE_TEXT: Readonly<Record<VfFeature, string>> = {
  netdev: ' with a kernel netdev (macvtap; not bound to vfio-pci)',
  vdpa: ' with a vDPA device',
};

const featureText = (p: PortNeed): string =>
  p.vfFeature === undefined ? '' : FEATURE_TEXT[p.vfFeature];
