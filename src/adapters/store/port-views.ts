import type { Kysely } from 'kysely';
import type { PortHolder } from '../../core/fleet/host-store.js';
import type { PortView } from '../../core/fleet/catalog-store.js';
import type { Database } from './db-types.js';
import { pageOf } from '../../core/fleet/page.js';
import type { Page, PageQuery } from '../../core/fleet/page.js';
import { afterKey, keyOrder, keyText } from './keyset.js';
import { PORT_INSTANCE, PORT_KEY } from './list-pages.js';
import { toPort } from './rows.js';

/** Ports with their network and the VF (or whole PF) they hold, filtered by tenant, port or instance. */
export async function portViews(
  db: Kysely<Database>,
  f: { tenant?: string | null; portId?: string; instanceIds?: readonly string[] },
): Promise<PortView[]> {
  let q = portQuery(db)
    // An instance's ports in request order, so answers line up with what was asked.
    .orderBy('ports.tenant')
    .orderBy('ports.instance_id')
    .orderBy('ports.position')
    .orderBy('ports.id');
  if (f.tenant !== undefined && f.tenant !== null) q = q.where('ports.tenant', '=', f.tenant);
  if (f.portId !== undefined) q = q.where('ports.id', '=', f.portId);
  if (f.instanceIds !== undefined) {
    if (f.instanceIds.length === 0) return [];
    q = q.where('ports.instance_id', 'in', f.instanceIds);
  }
  return (await q.execute()).map(toView);
}

/** One page of `GET /v1/ports`, in the order of portViews; `network`: only that network's. */
export async function portPage(
  db: Kysely<Database>,
  f: {
    tenant: string | null;
    network?: string | undefined;
    instance?: string | undefined;
    host?: string | undefined;
    mac?: string | undefined;
  },
  page: PageQuery,
): Promise<Page<PortView>> {
  let q = portQuery(db)
    .select(keyText(PORT_INSTANCE).as('instance_key'))
    .limit(page.limit + 1);
  for (const c of PORT_KEY) q = q.orderBy(keyOrder(c));
  if (f.tenant !== null) q = q.where('ports.tenant', '=', f.tenant);
  if (f.network !== undefined) q = q.where('ports.network_id', '=', f.network);
  if (f.instance !== undefined) q = q.where('ports.instance_id', '=', f.instance);
  // MACs are stored lower case (ports_mac, unique).
  if (f.mac !== undefined) q = q.where('ports.mac', '=', f.mac.toLowerCase());
  if (f.host !== undefined) {
    const host = f.host;
    // The host's held devices through their host indexes, not an OR over the outer joins.
    q = q.where('ports.id', 'in', (eb) =>
      eb
        .selectFrom('vfs')
        .select('vfs.port_id')
        .where('vfs.host_id', '=', host)
        .where('vfs.port_id', 'is not', null)
        .unionAll(
          eb
            .selectFrom('pfs')
            .select('pfs.port_id')
            .where('pfs.host_id', '=', host)
            .where('pfs.port_id', 'is not', null),
        ),
    );
  }
  if (page.after !== null) q = q.where(afterKey(PORT_KEY, page.after));
  return pageOf(
    await q.execute(),
    page.limit,
    (r) => [r.tenant, r.instance_key, r.position, r.id],
    toView,
  );
}

function portQuery(db: Kysely<Database>) {
  return (
    db
      .selectFrom('ports')
      .innerJoin('networks', 'networks.id', 'ports.network_id')
      .leftJoin('vfs', 'vfs.port_id', 'ports.id')
      .leftJoin('pfs', 'pfs.id', 'vfs.pf_id')
      // A direct-physical port holds a whole PF instead of a VF.
      .leftJoin('pfs as whole', 'whole.port_id', 'ports.id')
      .leftJoin('instances', 'instances.id', 'ports.instance_id')
      .selectAll('ports')
      .select([
        'instances.name as instance_name',
        'networks.name as network_name',
        'networks.physnet',
        'networks.vlan',
        'vfs.id as vf_id',
        'vfs.host_id',
        'vfs.pci_address as vf_pci',
        'vfs.vf_index',
        'pfs.pci_address as pf_pci',
        'whole.host_id as whole_host',
        'whole.pci_address as whole_pci',
      ])
  );
}

type PortRow = Awaited<ReturnType<ReturnType<typeof portQuery>['execute']>>[number];

const toView = (r: PortRow): PortView => ({
  ...toPort(r),
  vfId: r.vf_id,
  instance: r.instance_name,
  network: r.network_name,
  physnet: r.physnet,
  vlan: r.vlan,
  hostId: r.host_id ?? r.whole_host,
  pciAddress: r.vf_pci ?? r.whole_pci,
  pf: r.pf_pci ?? r.whole_pci,
  vfIndex: r.vf_index,
});

/** The ports holding a host's VFs and whole PFs, for the host map (`GET /v1/hosts/{id}`). */
export async function hostHolders(db: Kysely<Database>, hostId: string): Promise<PortHolder[]> {
  // Two narrow queries from the host's devices (indexed by host), not one OR over outer joins:
  // the map is read often (waits poll it) and must stay cheap on an embedded store.
  const held = (from: 'vfs' | 'pfs') =>
    db
      .selectFrom(from)
      .innerJoin('ports', 'ports.id', `${from}.port_id`)
      .innerJoin('networks', 'networks.id', 'ports.network_id')
      .leftJoin('instances', 'instances.id', 'ports.instance_id')
      .where(`${from}.host_id`, '=', hostId)
      .select([
        'ports.id',
        'ports.instance_id',
        'ports.tenant',
        'ports.mac',
        'ports.spoofchk',
        'ports.max_tx_rate',
        'ports.min_tx_rate',
        'instances.name as instance_name',
        'networks.name as network_name',
        'networks.vlan',
        `${from}.pending_generation`,
      ])
      .execute();
  const rows = [...(await held('vfs')), ...(await held('pfs'))];
  return rows.map((r) => ({
    portId: r.id,
    instanceId: r.instance_id,
    instance: r.instance_name,
    tenant: r.tenant,
    network: r.network_name,
    mac: r.mac,
    vlan: r.vlan,
    spoofchk: r.spoofchk,
    maxTxRate: r.max_tx_rate,
    minTxRate: r.min_tx_rate,
    pendingGeneration: r.pending_generation,
  }));
}
