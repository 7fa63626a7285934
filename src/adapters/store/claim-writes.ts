// A claim's writes in ONE statement, and its answer built from what was written (no read-back).
import { sql, type Selectable, type Transaction } from 'kysely';
import type { ClaimInput, InstanceView } from '../../core/fleet/claim-store.js';
import type { PortView } from '../../core/fleet/catalog-store.js';
import type { Database, InstancesTable } from './db-types.js';
import type { HeldDevice } from './claim-statements.js';
import { toInstance } from './rows.js';

type Tx = Transaction<Database>;
type InstanceRow = Selectable<InstancesTable>;

/**
 * The instance row, its ports, its devices reserved until the agent applied
 * generation `gen`, and the host's desired generation bumped: data-modifying
 * CTEs, one round trip whatever the ports (each was one before: six for a
 * 1-port claim). PostgreSQL runs every CTE to completion; the ports' foreign
 * key to the instance is checked at the statement's end, when it exists. A
 * generated MAC that clashes still fails with `ports_mac`.
 */
export async function writeClaim(
  tx: Tx,
  c: ClaimInput,
  held: readonly (HeldDevice | null)[],
  gen: number,
): Promise<InstanceRow> {
  const parts = [
    sql`i as (insert into instances (id, name, tenant, host_id, state, vcpus, memory_mb,
        numa_policy, numa_node, host_labels, reserved_until, created_at)
      values (${c.id}, ${c.name}, ${c.tenant}, ${c.placement.hostId}, 'reserved', ${c.vcpus}::int,
        ${c.memoryMb}::int, ${c.numaPolicy}, ${c.placement.numaNode}::int,
        ${JSON.stringify(c.hostLabels)}::jsonb, ${c.reservedUntil}::timestamptz,
        ${c.now}::timestamptz)
      returning *)`,
    sql`h as (update hosts set desired_generation = ${gen}::int
      where id = ${c.placement.hostId} returning 1)`,
  ];
  if (c.ports.length > 0) {
    const rows = c.ports.map(
      (p, i) =>
        sql`(${p.id}, ${c.tenant}, ${p.network.id}, ${c.id}, ${p.vnicType}, ${p.mac}::text,
          ${p.trusted}::boolean, ${p.spoofchk}::boolean, ${p.maxTxRate}::int,
          ${p.minTxRate}::int, ${p.index ?? i}::int)`,
    );
    parts.push(sql`p as (insert into ports (id, tenant, network_id, instance_id, vnic_type, mac,
        trusted, spoofchk, max_tx_rate, min_tx_rate, position)
      values ${sql.join(rows)} returning 1)`);
  }
  for (const [table, vf] of [
    ['vfs', true],
    ['pfs', false],
  ] as const) {
    const taken = c.ports.flatMap((p, i) => {
      const d = held[i];
      return d?.vf === vf ? [sql`(${d.id}::int, ${p.id}::text)`] : [];
    });
    if (taken.length === 0) continue;
    parts.push(sql`${sql.raw(`r_${table}`)} as (update ${sql.table(table)} set state = 'reserved',
        port_id = v.port_id, reserved_until = ${c.reservedUntil}::timestamptz,
        pending_generation = ${gen}::int
      from (values ${sql.join(taken)}) as v(id, port_id)
      where ${sql.ref(`${table}.id`)} = v.id returning 1)`);
  }
  const { rows } = await sql<InstanceRow>`with ${sql.join(parts)} select * from i`.execute(tx);
  const row = rows[0];
  if (row === undefined) throw new Error(`the claim of instance ${c.id} inserted no row`);
  return row;
}

/** The claimed instance as answers show it, from its row and what the claim took: ports in request order. */
export function claimedView(
  c: ClaimInput,
  row: InstanceRow,
  held: readonly (HeldDevice | null)[],
): InstanceView {
  const ports = c.ports.map((p, i): PortView & { position: number } => {
    const d = held[i] ?? null;
    return {
      position: p.index ?? i,
      id: p.id,
      tenant: c.tenant,
      networkId: p.network.id,
      instanceId: c.id,
      vnicType: p.vnicType,
      mac: p.mac,
      trusted: p.trusted,
      spoofchk: p.spoofchk,
      maxTxRate: p.maxTxRate,
      minTxRate: p.minTxRate,
      vfId: d?.vf === true ? d.id : null,
      instance: c.name,
      network: p.network.name,
      physnet: p.network.physnet,
      vlan: p.network.vlan,
      hostId: d === null ? null : c.placement.hostId,
      pciAddress: d?.pciAddress ?? null,
      pf: d?.pf ?? null,
      vfIndex: d?.vfIndex ?? null,
    };
  });
  ports.sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : 1));
  return { ...toInstance(row), ports: ports.map(({ position: _, ...v }) => v) };
}
