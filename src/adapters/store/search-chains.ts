import { sql } from 'kysely';
import type { Kysely, RawBuilder } from 'kysely';
import { INSTANCE_STATES } from '../../core/fleet/model.js';
import type { SearchHit, SearchMatch, SearchQuery } from '../../core/fleet/search-query.js';
import { VF_STATES, VNIC_TYPES } from '../../core/vocabulary.js';
import type { Database } from './db-types.js';
import { closed } from './rows.js';

/**
 * The fleet search: each match read with its whole chain (host, NUMA node,
 * PF, VF, port, instance, network, tenant) in one query per kind of root.
 * Aliases are the same in every root: v (VF), pf (the VF's PF, or the PF a
 * port holds whole), p (port), n (network), i (instance); a root without
 * one of them leaves its columns null.
 */

type Root = 'port' | 'instance' | 'network' | 'vf' | 'pf';

/** From the root to the port, its network and instance (each may be absent but the root). */
const ROOTS: Record<Root, RawBuilder<unknown>> = {
  port: sql`ports p join networks n on n.id = p.network_id
    left join instances i on i.id = p.instance_id`,
  // An instance or a network without ports is still a hit: left joins from it.
  instance: sql`instances i left join ports p on p.instance_id = i.id
    left join networks n on n.id = p.network_id`,
  network: sql`networks n left join ports p on p.network_id = n.id
    left join instances i on i.id = p.instance_id`,
  vf: sql`vfs v join pfs pf on pf.id = v.pf_id left join ports p on p.id = v.port_id
    left join networks n on n.id = p.network_id left join instances i on i.id = p.instance_id`,
  pf: sql`pfs pf left join ports p on p.id = pf.port_id
    left join networks n on n.id = p.network_id left join instances i on i.id = p.instance_id
    left join vfs v on false`,
};

/** From the port to the device it holds: a VF and its PF, or a whole PF (by its unique port_id). */
const DEVICE = sql`left join vfs v on v.port_id = p.id
  left join pfs pf on pf.id = coalesce(v.pf_id, (select w.id from pfs w where w.port_id = p.id))`;

const COLUMNS = sql`coalesce(pf.host_id, i.host_id) as host,
  coalesce(pf.numa_node, i.numa_node) as numa_node,
  pf.pci_address as pf_pci, pf.ifname as pf_ifname,
  v.vf_index, v.pci_address as vf_pci, v.state as vf_state,
  p.id as port_id, p.mac as port_mac, p.vnic_type as port_vnic,
  i.id as inst_id, i.name as inst_name, i.state as inst_state,
  n.id as net_id, n.name as net_name, n.vlan as net_vlan, n.physnet as net_physnet,
  coalesce(p.tenant, i.tenant, n.tenant) as tenant`;

interface ChainRow {
  host: string | null;
  numa_node: number | null;
  pf_pci: string | null;
  pf_ifname: string | null;
  vf_index: number | null;
  vf_pci: string | null;
  vf_state: string | null;
  port_id: string | null;
  port_mac: string | null;
  port_vnic: string | null;
  inst_id: string | null;
  inst_name: string | null;
  inst_state: string | null;
  net_id: string | null;
  net_name: string | null;
  net_vlan: number | null;
  net_physnet: string | null;
  tenant: string | null;
}

async function chains(
  db: Kysely<Database>,
  root: Root,
  where: RawBuilder<boolean>,
  tenant: string | null,
  limit: number,
  match: SearchMatch,
): Promise<SearchHit[]> {
  const device = root === 'vf' || root === 'pf' ? sql`` : DEVICE;
  const scope =
    tenant === null ? sql`true` : sql`coalesce(p.tenant, i.tenant, n.tenant) = ${tenant}`;
  const { rows } = await sql<ChainRow>`select ${COLUMNS} from ${ROOTS[root]} ${device}
    where ${where} and ${scope}
    order by 1 nulls last, pf.pci_address, v.vf_index, n.tenant, n.name, i.name, p.id
    limit ${limit}`.execute(db);
  return rows.map((r) => toHit(match, r));
}

function toHit(match: SearchMatch, r: ChainRow): SearchHit {
  return {
    match,
    host: r.host,
    numaNode: r.numa_node,
    pf: r.pf_pci === null ? null : { pciAddress: r.pf_pci, ifname: r.pf_ifname },
    vf:
      r.vf_index === null || r.vf_pci === null || r.vf_state === null
        ? null
        : {
            index: r.vf_index,
            pciAddress: r.vf_pci,
            state: closed(VF_STATES, r.vf_state, 'VF state'),
          },
    port:
      r.port_id === null || r.port_vnic === null
        ? null
        : {
            id: r.port_id,
            mac: r.port_mac,
            vnicType: closed(VNIC_TYPES, r.port_vnic, 'vnic type'),
          },
    instance:
      r.inst_id === null || r.inst_name === null || r.inst_state === null
        ? null
        : {
            id: r.inst_id,
            name: r.inst_name,
            state: closed(INSTANCE_STATES, r.inst_state, 'instance state'),
          },
    network:
      r.net_id === null || r.net_name === null || r.net_vlan === null || r.net_physnet === null
        ? null
        : { id: r.net_id, name: r.net_name, vlan: r.net_vlan, physnet: r.net_physnet },
    tenant: r.tenant,
  };
}

/** Ids are matched from their start, names anywhere in them, in any case. */
const idStarts = (col: string, text: string) =>
  sql<boolean>`starts_with(lower(${sql.ref(col)}), ${text}::text)`;
const nameHolds = (col: string, text: string) =>
  sql<boolean>`strpos(lower(${sql.ref(col)}), ${text}::text) > 0`;

/** Host ids holding the text: a bare host, for admins only (the caller leaves it out for tenants). */
async function hostHits(db: Kysely<Database>, text: string, limit: number): Promise<SearchHit[]> {
  const rows = await db
    .selectFrom('hosts')
    .select('id')
    .where(nameHolds('id', text))
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    match: 'host',
    host: r.id,
    numaNode: null,
    pf: null,
    vf: null,
    port: null,
    instance: null,
    network: null,
    tenant: null,
  }));
}

export async function searchChains(
  db: Kysely<Database>,
  q: SearchQuery,
  tenant: string | null,
  limit: number,
): Promise<SearchHit[]> {
  const run = (root: Root, where: RawBuilder<boolean>, match: SearchMatch) =>
    chains(db, root, where, tenant, limit, match);
  let hits: SearchHit[] = [];
  // Each kind in turn, stopping once the limit is reached: later kinds are not read at all.
  const more = async (next: () => Promise<SearchHit[]>) => {
    if (hits.length < limit) hits = [...hits, ...(await next())];
  };
  switch (q.kind) {
    case 'mac':
      await more(() => run('port', sql<boolean>`p.mac = ${q.mac}`, 'mac'));
      break;
    case 'pci':
      await more(() => run('vf', sql<boolean>`v.pci_address = ${q.pciAddress}`, 'pci'));
      await more(() => run('pf', sql<boolean>`pf.pci_address = ${q.pciAddress}`, 'pci'));
      break;
    case 'vlan':
      await more(() => run('network', sql<boolean>`n.vlan = ${q.vlan}`, 'vlan'));
      break;
    case 'text': {
      const t = q.text;
      await more(() =>
        run(
          'instance',
          sql<boolean>`(${nameHolds('i.name', t)} or ${idStarts('i.id', t)})`,
          'instance',
        ),
      );
      await more(() => run('port', idStarts('p.id', t), 'port'));
      await more(() =>
        run(
          'network',
          sql<boolean>`(${nameHolds('n.name', t)} or ${idStarts('n.id', t)})`,
          'network',
        ),
      );
      if (tenant === null) await more(() => hostHits(db, t, limit));
      break;
    }
  }
  return hits.slice(0, limit);
}
