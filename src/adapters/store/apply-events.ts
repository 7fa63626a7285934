import type { Selectable, Transaction } from 'kysely';
import type { NewEvent } from '../../core/fleet/events.js';
import type { Database, HostsTable } from './db-types.js';

type Tx = Transaction<Database>;

/**
 * What an agent's successful apply of generation `g` did, read before the
 * VF rows move on: each VF it configured for a port (MAC, VLAN, instance),
 * each released VF it reset, and the spec reached when `g` is the first
 * applied generation carrying the host's declared VF counts. VFs the agent
 * names as failed did neither.
 */
export async function applyEvents(
  tx: Tx,
  host: Selectable<HostsTable>,
  g: number,
  failed: readonly string[],
): Promise<NewEvent[]> {
  const out: NewEvent[] = [];
  const id = host.id;
  const failedSet = new Set(failed);
  if (host.applied_generation < host.spec_generation && g >= host.spec_generation) {
    const pfs = await tx
      .selectFrom('pfs')
      .innerJoin('device_specs', 'device_specs.id', 'pfs.spec_id')
      .select(['pfs.pci_address', 'pfs.ifname', 'device_specs.name', 'device_specs.num_vfs'])
      .where('pfs.host_id', '=', id)
      .orderBy('pfs.pci_address')
      .execute();
    const counts = pfs.map((p) => ({
      pf: p.ifname ?? p.pci_address,
      pciAddress: p.pci_address,
      spec: p.name,
      numVfs: p.num_vfs,
    }));
    out.push({
      kind: 'spec-applied',
      host: id,
      tenant: null,
      subject: [...new Set(counts.map((c) => c.spec))].join(',') || null,
      message:
        counts.length === 0
          ? `host ${id} applied its declared state (no PF governed by a spec)`
          : `host ${id} matches its specs: ${counts.map((c) => `${c.pf} ${c.numVfs} VFs (${c.spec})`).join(', ')}`,
      data: { generation: g, pfs: counts },
    });
  }
  const vfs = await tx
    .selectFrom('vfs')
    .innerJoin('pfs', 'pfs.id', 'vfs.pf_id')
    .leftJoin('ports', 'ports.id', 'vfs.port_id')
    .leftJoin('networks', 'networks.id', 'ports.network_id')
    .leftJoin('instances', 'instances.id', 'ports.instance_id')
    .select([
      'vfs.pci_address',
      'vfs.vf_index',
      'vfs.state',
      'vfs.dirty',
      'vfs.port_id',
      'pfs.pci_address as pf_address',
      'pfs.ifname as pf_ifname',
      'ports.mac',
      'networks.name as network',
      'networks.vlan',
      'instances.name as instance',
      'instances.id as instance_id',
      'instances.tenant',
    ])
    .where('vfs.host_id', '=', id)
    .where('vfs.pending_generation', '<=', g)
    .where('vfs.pending_generation', '>', host.applied_generation)
    .orderBy('pfs.pci_address')
    .orderBy('vfs.vf_index')
    .execute();
  for (const v of vfs) {
    if (failedSet.has(v.pci_address)) continue;
    const pf = v.pf_ifname ?? v.pf_address;
    const where = { pf, pfAddress: v.pf_address, vf: v.vf_index, vfAddress: v.pci_address };
    if (v.port_id !== null && (v.state === 'reserved' || v.state === 'allocated')) {
      out.push({
        kind: 'vf-configured',
        host: id,
        tenant: v.tenant,
        subject: v.instance,
        message: `${pf} VF ${v.vf_index} (${v.pci_address}) set to MAC ${v.mac ?? '-'} VLAN ${v.vlan ?? '-'} for instance ${v.instance ?? '-'} on network ${v.network ?? '-'}`,
        data: {
          ...where,
          mac: v.mac,
          vlan: v.vlan,
          network: v.network,
          instance: v.instance,
          instanceId: v.instance_id,
          port: v.port_id,
        },
      });
    } else if (v.port_id === null && (v.dirty || v.state === 'quarantined')) {
      out.push({
        kind: 'vf-reset',
        host: id,
        tenant: null,
        subject: v.pci_address,
        message: `${pf} VF ${v.vf_index} (${v.pci_address}) reset after release; offered again`,
        data: where,
      });
    }
  }
  return out;
}
