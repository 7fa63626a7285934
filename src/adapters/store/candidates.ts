import { sql, type Kysely } from 'kysely';
import type { CandidateHost, CandidatePf, ViewHost } from '../../core/scheduler/types.js';
import type { Database } from './db-types.js';
import { freeWholePfs } from './whole-pf-claims.js';
import { allocationOf, hostMemoryMb, nodeVcpus } from '../../core/fleet/allocation.js';
import { loadAllocationRules } from './allocation-rules.js';

/**
 * The scheduler's view of some hosts (null: every host), on every physnet,
 * in four grouped queries whatever their number: hosts, CPU and memory in
 * use (against the capacity its allocation rule gives), free clean VFs per PF (by physnet, trust and whether the agent
 * reported a netdev and a vDPA device), and free clean whole PFs; only devices owned
 * by vfleet (the others are handed to another scheduler). The controller's
 * fleet view reads every host once, then only the hosts its notices name.
 */
export async function loadViewHosts(
  db: Kysely<Database>,
  hostIds: readonly string[] | null,
): Promise<ViewHost[]> {
  if (hostIds?.length === 0) return [];
  const only = hostIds;
  let hostQuery = db.selectFrom('hosts').selectAll().orderBy('id');
  if (only !== null) hostQuery = hostQuery.where('id', 'in', only);
  const hosts = await hostQuery.execute();
  let usageQuery = db
    .selectFrom('instances')
    .select(['host_id', 'numa_node'])
    .select((eb) => [
      eb.fn.sum<string | number>('vcpus').as('vcpus'),
      eb.fn.sum<string | number>('memory_mb').as('memory'),
    ])
    .where('state', '<>', 'expired')
    .where('host_id', 'is not', null);
  if (only !== null) usageQuery = usageQuery.where('host_id', 'in', only);
  const usage = await usageQuery.groupBy(['host_id', 'numa_node']).execute();
  // Count per PF first, join after: the join then sees one row per PF, not per VF.
  const free = await db
    .selectFrom((eb) => {
      let q = eb
        .selectFrom('vfs')
        .select(['vfs.pf_id', 'vfs.physnet', 'vfs.trusted'])
        .select(sql<boolean>`vfs.netdev is not null`.as('netdev'))
        .select(sql<boolean>`vfs.vdpa_dev is not null`.as('vdpa'))
        .select((e) => e.fn.countAll<string | number>().as('n'))
        .where('vfs.state', '=', 'free')
        .where('vfs.dirty', '=', false)
        .where('vfs.physnet', 'is not', null)
        // VFs handed to another owner (openstack, ...) are configured, never scheduled.
        .where('vfs.owner', '=', 'vfleet');
      if (only !== null) q = q.where('vfs.host_id', 'in', only);
      return q
        .groupBy([
          'vfs.pf_id',
          'vfs.physnet',
          'vfs.trusted',
          sql`vfs.netdev is not null`,
          sql`vfs.vdpa_dev is not null`,
        ])
        .as('f');
    })
    .innerJoin('pfs', 'pfs.id', 'f.pf_id')
    .select([
      'f.pf_id',
      'pfs.host_id',
      'pfs.pci_address',
      'pfs.numa_node',
      'f.physnet',
      'f.trusted',
      'f.netdev',
      'f.vdpa',
      'f.n',
    ])
    .orderBy('pfs.pci_address')
    .execute();
  const whole = await freeWholePfs(db, only);

  const cpuUse = new Map<string, number>();
  const memUse = new Map<string, number>();
  for (const u of usage) {
    if (u.host_id === null) continue;
    cpuUse.set(`${u.host_id}#${u.numa_node ?? ''}`, Number(u.vcpus));
    memUse.set(u.host_id, (memUse.get(u.host_id) ?? 0) + Number(u.memory));
  }
  type PfAcc = CandidatePf & { free: CandidatePf['free'][number][] };
  const pfsByHost = new Map<string, Map<number, PfAcc>>();
  const pfsOf = (hostId: string) => {
    const pfs = pfsByHost.get(hostId) ?? new Map<number, PfAcc>();
    pfsByHost.set(hostId, pfs);
    return pfs;
  };
  for (const f of free) {
    if (f.physnet === null) continue;
    const pfs = pfsOf(f.host_id);
    const pf: PfAcc = pfs.get(f.pf_id) ?? {
      id: f.pf_id,
      pciAddress: f.pci_address,
      numaNode: f.numa_node,
      free: [],
    };
    pfs.set(f.pf_id, pf);
    pf.free.push({
      physnet: f.physnet,
      trusted: f.trusted,
      netdev: f.netdev,
      ...(f.vdpa ? { vdpa: true } : {}),
      count: Number(f.n),
    });
  }
  for (const w of whole) pfsOf(w.hostId).set(w.id, { ...w, free: [] });
  const rules = await loadAllocationRules(db);
  return hosts.map((h) => {
    const a = allocationOf(h, rules);
    const memory = hostMemoryMb(h.memory_mb, a);
    return {
      lastSeen: h.last_seen === null ? null : new Date(h.last_seen).toISOString(),
      host: {
        id: h.id,
        labels: h.labels,
        ready: h.applied_generation >= h.spec_generation,
        healthy: h.healthy === true,
        cordoned: h.cordoned,
        freeMemoryMb: memory === null ? null : memory - (memUse.get(h.id) ?? 0),
        numaNodes: h.numa_nodes.map((n) => ({
          node: n.node,
          socket: n.socket,
          freeCpus: nodeVcpus(n, a) - (cpuUse.get(`${h.id}#${n.node}`) ?? 0),
        })),
        pfs: [...(pfsByHost.get(h.id)?.values() ?? [])],
      },
    };
  });
}

/** When each host seen at or after `since` was seen, and its agent's health flag (the view's sweep). */
export async function hostsSeenSince(
  db: Kysely<Database>,
  since: string,
): Promise<{ id: string; lastSeen: string; healthy: boolean }[]> {
  const rows = await db
    .selectFrom('hosts')
    .select(['id', 'last_seen', 'healthy'])
    .where('last_seen', '>=', new Date(since))
    .execute();
  return rows.flatMap((r) =>
    r.last_seen === null
      ? []
      : [{ id: r.id, lastSeen: new Date(r.last_seen).toISOString(), healthy: r.healthy === true }],
  );
}

/**
 * Hosts (null: every host) as one request on `physnets` sees them at
 * `staleBefore`: only those physnets' free devices, and health including
 * the agent's last sighting (a live migration's target; the scheduler
 * keeps a fleet view instead).
 */
export async function loadCandidates(
  db: Kysely<Database>,
  physnets: readonly string[],
  staleBefore: string,
  hostIds: readonly string[] | null = null,
): Promise<CandidateHost[]> {
  const on = new Set(physnets);
  return (await loadViewHosts(db, hostIds)).map(({ host, lastSeen }) => ({
    ...host,
    healthy: host.healthy && lastSeen !== null && lastSeen >= staleBefore,
    pfs: host.pfs.flatMap((pf) => {
      const free = pf.free.filter((g) => on.has(g.physnet));
      const whole = pf.whole !== undefined && on.has(pf.whole.physnet) ? pf.whole : undefined;
      if (free.length === 0 && whole === undefined) return [];
      const base = { id: pf.id, pciAddress: pf.pciAddress, numaNode: pf.numaNode, free };
      return [whole === undefined ? base : { ...base, whole }];
    }),
  }));
}
