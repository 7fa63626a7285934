// The claim's statements that take or write many rows at once: one round trip each, whatever the ports.
import { allocationRulesColumn } from './allocation-rules.js';
import { sql } from 'kysely';
import type { Transaction } from 'kysely';
import type { ClaimInput } from '../../core/fleet/claim-store.js';
import type { Database } from './db-types.js';

type Tx = Transaction<Database>;

/** A host's vCPUs and memory in use on one NUMA node (sums come as text or number, by driver). */
interface UsageRow {
  numa_node: number | null;
  vcpus: number | string;
  memory: number | string;
}

export interface HostUsage {
  readonly numa_node: number | null;
  readonly vcpus: number;
  readonly memory: number;
}

/**
 * The host's vCPUs and memory in use per NUMA node, as JSON. Read in a
 * statement that starts AFTER the host row is locked: a sub-select in the
 * locking statement itself keeps that statement's snapshot, taken before
 * the lock was waited for, so it would miss the instance the previous
 * holder of the lock just committed (the row comes back re-read, its
 * sub-selects do not) and two claims could both take the last vCPUs.
 */
const usageOf = (hostId: string) => sql<UsageRow[] | null>`(
  select json_agg(json_build_object('numa_node', u.numa_node, 'vcpus', u.vcpus, 'memory', u.memory))
  from (select numa_node, sum(vcpus) as vcpus, sum(memory_mb) as memory from instances
        where host_id = ${hostId} and state <> 'expired' group by numa_node) u)`;

const toUsage = (rows: UsageRow[] | null): HostUsage[] =>
  (rows ?? []).map((u) => ({
    numa_node: u.numa_node,
    vcpus: Number(u.vcpus),
    memory: Number(u.memory),
  }));

/** The placed host, locked: the lock orders claims on one host. */
export async function lockHost(tx: Tx, hostId: string) {
  return (
    tx
      .selectFrom('hosts')
      .selectAll('hosts')
      // The allocation rules ride along (a handful of rows): capacity is counted under this lock.
      .select(allocationRulesColumn.as('allocation_rules'))
      .where('hosts.id', '=', hostId)
      .forUpdate('hosts')
      .executeTakeFirst()
  );
}

/** The host's usage on its own (a claim without VF ports; lockVfs reads it otherwise). */
export async function hostUsage(tx: Tx, hostId: string): Promise<HostUsage[]> {
  const { rows } = await sql<{
    usage: UsageRow[] | null;
  }>`select ${usageOf(hostId)} as usage`.execute(tx);
  return toUsage(rows[0]?.usage ?? null);
}

/** A device a claim took for a port, with what its answer shows (no read-back after the writes). */
export interface HeldDevice {
  readonly id: number;
  /** true: a VF (vfs.id); false: a whole PF (pfs.id). */
  readonly vf: boolean;
  readonly pciAddress: string;
  /** The PF's PCI address (the PF itself for a whole PF). */
  readonly pf: string;
  readonly vfIndex: number | null;
}

/**
 * One free, clean VF per port on its placed PF, locked, in ONE statement:
 * a LATERAL sub-select per (PF, physnet, trust, netdev, vDPA) group, each `LIMIT n FOR
 * UPDATE SKIP LOCKED`, so concurrent claims on one PF take different VFs
 * and none waits. Index = port; null for whole-PF ports; the whole result
 * null when a PF no longer has enough (the VF is re-checked owned by
 * vfleet under the lock: the spec may have handed it over since the view
 * saw it). Each VF comes with its addresses, so the answer needs no re-read.
 */
export async function lockVfs(
  tx: Tx,
  c: ClaimInput,
): Promise<{ held: (HeldDevice | null)[]; usage: HostUsage[] } | null> {
  const groups = new Map<
    string,
    {
      pfId: number;
      physnet: string;
      trusted: boolean;
      netdev: boolean | null;
      vdpa: boolean;
      at: number[];
    }
  >();
  c.placement.ports.forEach((pp, i) => {
    if (pp.wholePf === true) return;
    const vdpa = pp.vfVdpa === true;
    const k = JSON.stringify([pp.pfId, pp.physnet, pp.vfTrusted, pp.vfNetdev ?? null, vdpa]);
    const g = groups.get(k) ?? {
      pfId: pp.pfId,
      physnet: pp.physnet,
      trusted: pp.vfTrusted,
      netdev: pp.vfNetdev ?? null,
      vdpa,
      at: [],
    };
    g.at.push(i);
    groups.set(k, g);
  });
  const out = new Array<HeldDevice | null>(c.placement.ports.length).fill(null);
  const list = [...groups.values()];
  if (list.length === 0) return { held: out, usage: await hostUsage(tx, c.placement.hostId) };
  const values = sql.join(
    list.map(
      (g, k) =>
        sql`(${g.pfId}::int, ${g.physnet}::text, ${g.trusted}::boolean, ${g.netdev}::boolean, ${g.vdpa}::boolean, ${g.at.length}::int, ${k}::int)`,
    ),
  );
  // The PF's address from a sub-select outside the lateral: only VF rows are locked.
  // The host's usage rides along (same on every row): this statement runs under the host lock.
  const { rows } = await sql<{
    k: number;
    id: number;
    pci: string;
    vf_index: number;
    pf: string;
    usage: UsageRow[] | null;
  }>`
    select g.k, v.id, v.pci_address as pci, v.vf_index,
      (select p.pci_address from pfs p where p.id = g.pf_id) as pf,
      ${usageOf(c.placement.hostId)} as usage
    from (values ${values}) as g(pf_id, physnet, trusted, netdev, vdpa, n, k)
    cross join lateral (
      select vfs.id, vfs.pci_address, vfs.vf_index from vfs
      where vfs.pf_id = g.pf_id and vfs.host_id = ${c.placement.hostId}
        and vfs.physnet = g.physnet and vfs.trusted = g.trusted and vfs.owner = 'vfleet'
        and (g.netdev is null or (vfs.netdev is not null) = g.netdev)
        and (vfs.vdpa_dev is not null) = g.vdpa
        and vfs.state = 'free' and vfs.dirty = false
      order by vfs.vf_index limit g.n for update skip locked
    ) v
    order by g.k, v.id`.execute(tx);
  for (const [k, g] of list.entries()) {
    const got = rows.filter((r) => r.k === k);
    if (got.length < g.at.length) return null;
    g.at.forEach((portIndex, j) => {
      const r = got[j];
      if (r !== undefined)
        out[portIndex] = { id: r.id, vf: true, pciAddress: r.pci, pf: r.pf, vfIndex: r.vf_index };
    });
  }
  return { held: out, usage: toUsage(rows[0]?.usage ?? null) };
}
