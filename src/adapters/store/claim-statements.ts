// The claim's statements that take or write many rows at once: one round trip each, whatever the ports.
import { sql } from 'kysely';
import type { Transaction } from 'kysely';
import type { ClaimInput } from '../../core/fleet/claim-store.js';
import type { Database } from './db-types.js';
import type { DeviceTable } from './claimable-devices.js';

type Tx = Transaction<Database>;

/** A host's vCPUs and memory in use on one NUMA node (sums come as text or number, by driver). */
interface UsageRow {
  numa_node: number | null;
  vcpus: number | string;
  memory: number | string;
}

/** The placed host, locked (it orders claims on one host), with its vCPUs and memory in use per NUMA node. */
export async function lockHost(tx: Tx, hostId: string) {
  const host = await tx
    .selectFrom('hosts')
    .selectAll('hosts')
    .select(
      sql<UsageRow[] | null>`(
        select json_agg(json_build_object('numa_node', u.numa_node, 'vcpus', u.vcpus, 'memory', u.memory))
        from (select numa_node, sum(vcpus) as vcpus, sum(memory_mb) as memory from instances
              where host_id = hosts.id and state <> 'expired' group by numa_node) u)`.as('usage'),
    )
    .where('hosts.id', '=', hostId)
    .forUpdate()
    .executeTakeFirst();
  if (host === undefined) return undefined;
  const usage = (host.usage ?? []).map((u) => ({
    numa_node: u.numa_node,
    vcpus: Number(u.vcpus),
    memory: Number(u.memory),
  }));
  return { ...host, usage };
}

/**
 * One free, clean VF per port on its placed PF, locked, in ONE statement:
 * a LATERAL sub-select per (PF, physnet, trust) group, each `LIMIT n FOR
 * UPDATE SKIP LOCKED`, so concurrent claims on one PF take different VFs
 * and none waits. Index = port; -1 for whole-PF ports; null when a PF no
 * longer has enough (the VF is re-checked owned by vfleet under the lock:
 * the spec may have handed it over since the view saw it).
 */
export async function lockVfs(tx: Tx, c: ClaimInput): Promise<number[] | null> {
  const groups = new Map<
    string,
    { pfId: number; physnet: string; trusted: boolean; at: number[] }
  >();
  c.placement.ports.forEach((pp, i) => {
    if (pp.wholePf === true) return;
    const k = JSON.stringify([pp.pfId, pp.physnet, pp.vfTrusted]);
    const g = groups.get(k) ?? {
      pfId: pp.pfId,
      physnet: pp.physnet,
      trusted: pp.vfTrusted,
      at: [],
    };
    g.at.push(i);
    groups.set(k, g);
  });
  const out: number[] = new Array<number>(c.placement.ports.length).fill(-1);
  const list = [...groups.values()];
  if (list.length === 0) return out;
  const values = sql.join(
    list.map(
      (g, k) =>
        sql`(${g.pfId}::int, ${g.physnet}::text, ${g.trusted}::boolean, ${g.at.length}::int, ${k}::int)`,
    ),
  );
  const { rows } = await sql<{ k: number; id: number }>`
    select g.k, v.id from (values ${values}) as g(pf_id, physnet, trusted, n, k)
    cross join lateral (
      select vfs.id from vfs
      where vfs.pf_id = g.pf_id and vfs.host_id = ${c.placement.hostId}
        and vfs.physnet = g.physnet and vfs.trusted = g.trusted and vfs.owner = 'vfleet'
        and vfs.state = 'free' and vfs.dirty = false
      order by vfs.vf_index limit g.n for update skip locked
    ) v
    order by g.k, v.id`.execute(tx);
  for (const [k, g] of list.entries()) {
    const got = rows.filter((r) => r.k === k);
    if (got.length < g.at.length) return null;
    g.at.forEach((portIndex, j) => (out[portIndex] = got[j]?.id ?? -1));
  }
  return out;
}

/** The ports now hold their devices: reserved until the agent applied generation `gen`. One statement per table. */
export async function reserveDevices(
  tx: Tx,
  table: DeviceTable,
  held: readonly { readonly id: number; readonly portId: string }[],
  reservedUntil: string,
  gen: number,
): Promise<void> {
  if (held.length === 0) return;
  const values = sql.join(held.map((h) => sql`(${h.id}::int, ${h.portId}::text)`));
  await sql`
    update ${sql.table(table)} set state = 'reserved', port_id = v.port_id,
      reserved_until = ${reservedUntil}::timestamptz, pending_generation = ${gen}::int
    from (values ${values}) as v(id, port_id)
    where ${sql.ref(`${table}.id`)} = v.id`.execute(tx);
}
