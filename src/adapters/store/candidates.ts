import type { Kysely } from 'kysely';
import type { CandidateHost, CandidatePf } from '../../core/scheduler/types.js';
import type { Database } from './db-types.js';
import { freeWholePfs } from './whole-pf-claims.js';

/**
 * The scheduler's view of the fleet, in five grouped queries whatever the
 * fleet size: hosts, CPU and memory in use, free clean VFs per PF on the
 * requested physnets, and free clean whole PFs on them (wholePfs); only
 * those owned by vfleet (the others are handed to another scheduler).
 */
export async function loadCandidates(
  db: Kysely<Database>,
  physnets: readonly string[],
  staleBefore: string,
): Promise<CandidateHost[]> {
  const hosts = await db.selectFrom('hosts').selectAll().orderBy('id').execute();
  const usage = await db
    .selectFrom('instances')
    .select(['host_id', 'numa_node'])
    .select((eb) => [
      eb.fn.sum<string | number>('vcpus').as('vcpus'),
      eb.fn.sum<string | number>('memory_mb').as('memory'),
    ])
    .where('state', '<>', 'expired')
    .where('host_id', 'is not', null)
    .groupBy(['host_id', 'numa_node'])
    .execute();
  // Count per PF first, join after: the join then sees one row per PF, not per VF.
  const free =
    physnets.length === 0
      ? []
      : await db
          .selectFrom((eb) =>
            eb
              .selectFrom('vfs')
              .select(['vfs.pf_id', 'vfs.physnet', 'vfs.trusted'])
              .select((e) => e.fn.countAll<string | number>().as('n'))
              .where('vfs.state', '=', 'free')
              .where('vfs.dirty', '=', false)
              .where('vfs.physnet', 'in', physnets)
              // VFs handed to another owner (openstack, ...) are configured, never scheduled.
              .where('vfs.owner', '=', 'vfleet')
              .groupBy(['vfs.pf_id', 'vfs.physnet', 'vfs.trusted'])
              .as('f'),
          )
          .innerJoin('pfs', 'pfs.id', 'f.pf_id')
          .select([
            'f.pf_id',
            'pfs.host_id',
            'pfs.pci_address',
            'pfs.numa_node',
            'f.physnet',
            'f.trusted',
            'f.n',
          ])
          .execute();

  const whole = await freeWholePfs(db, physnets);
  const cpuUse = new Map<string, number>();
  const memUse = new Map<string, number>();
  for (const u of usage) {
    if (u.host_id === null) continue;
    cpuUse.set(`${u.host_id}#${u.numa_node ?? ''}`, Number(u.vcpus));
    memUse.set(u.host_id, (memUse.get(u.host_id) ?? 0) + Number(u.memory));
  }
  type PfAcc = CandidatePf & { free: CandidatePf['free'][number][] };
  const pfsByHost = new Map<string, Map<number, PfAcc>>();
  for (const f of free) {
    if (f.physnet === null) continue;
    const pfs = pfsByHost.get(f.host_id) ?? new Map<number, PfAcc>();
    pfsByHost.set(f.host_id, pfs);
    const pf: PfAcc = pfs.get(f.pf_id) ?? {
      id: f.pf_id,
      pciAddress: f.pci_address,
      numaNode: f.numa_node,
      free: [],
    };
    pfs.set(f.pf_id, pf);
    pf.free.push({ physnet: f.physnet, trusted: f.trusted, count: Number(f.n) });
  }
  for (const w of whole) {
    const pfs = pfsByHost.get(w.hostId) ?? new Map<number, PfAcc>();
    pfsByHost.set(w.hostId, pfs);
    pfs.set(w.id, { ...w, free: [] });
  }
  return hosts.map((h) => ({
    id: h.id,
    labels: h.labels,
    ready: h.applied_generation >= h.spec_generation,
    healthy:
      h.healthy === true &&
      h.last_seen !== null &&
      new Date(h.last_seen).toISOString() >= staleBefore,
    freeMemoryMb: h.memory_mb === null ? null : h.memory_mb - (memUse.get(h.id) ?? 0),
    numaNodes: h.numa_nodes.map((n) => ({
      node: n.node,
      socket: n.socket,
      freeCpus: n.cpus - (cpuUse.get(`${h.id}#${n.node}`) ?? 0),
    })),
    pfs: [...(pfsByHost.get(h.id)?.values() ?? [])],
  }));
}
