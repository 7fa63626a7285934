// A full report's PF and VF rows, written set-based: one statement per table and purpose.
import { sql, type ExpressionBuilder, type Transaction } from 'kysely';
import type { DeviceSpec } from '../../core/fleet/model.js';
import { governingSpec, vfTags, wholePfTags } from '../../core/fleet/spec-match.js';
import type { HostReport } from '../../core/fleet/host-store.js';
import type { Database } from './db-types.js';
import { writeAudit } from './audit-scope.js';
import { fleetOn } from './audit-entries.js';

type Tx = Transaction<Database>;

export const NOT_REPORTED = 'not reported by the host';

/**
 * Whether the host has a VF it stopped reporting while a port held it, let
 * go since: only a full sync removes that row, so no heartbeat (repeated
 * report or digest) may stand in for one while it is there.
 */
export const vfAwaitsFullSync = (eb: ExpressionBuilder<Database, 'hosts'>) =>
  eb.exists(
    eb
      .selectFrom('vfs')
      .select('vfs.id')
      .whereRef('vfs.host_id', '=', 'hosts.id')
      .where('vfs.port_id', 'is', null)
      .where('vfs.note', '=', NOT_REPORTED),
  );

// Rows per multi-row insert: 12 columns x 4,000 stays under PostgreSQL's 65,535 parameters.
const CHUNK = 4_000;

const chunks = <T>(rows: readonly T[]): T[][] =>
  Array.from({ length: Math.ceil(rows.length / CHUNK) }, (_, i) =>
    rows.slice(i * CHUNK, (i + 1) * CHUNK),
  );

/**
 * Upserts the reported PFs and VFs of host `id`, tagged from `specs`, and
 * drops the VFs the host no longer reports (a held one is kept, noted).
 * A few statements whatever the host's size: the PFs in one upsert, the VFs
 * in one, the audit of new VFs in one insert, the vanished VFs in two. The
 * PF addresses are unique in `report` (the report checks refuse others).
 * Returns the ids of the reported PFs.
 */
export async function writeInventory(
  tx: Tx,
  id: string,
  report: HostReport,
  specs: readonly DeviceSpec[],
  now: string,
): Promise<number[]> {
  if (report.pfs.length === 0) return [];
  const pfRows = report.pfs.map((pf) => {
    const whole = wholePfTags(specs, pf);
    return {
      host_id: id,
      pci_address: pf.pciAddress,
      ifname: pf.ifname,
      vendor_id: pf.vendorId,
      device_id: pf.deviceId,
      driver: pf.driver,
      total_vfs: pf.totalVfs,
      num_vfs: pf.numVfs,
      numa_node: pf.numaNode,
      link_state: pf.link.state,
      admin_up: pf.link.adminUp,
      speed_mbps: pf.link.speedMbps,
      eswitch_mode: pf.eswitchMode,
      spec_id: governingSpec(specs, pf)?.id ?? null,
      physnet: whole.physnet,
      owner: whole.owner,
    };
  });
  const pfIds = await tx
    .insertInto('pfs')
    .values(pfRows)
    .onConflict((oc) =>
      oc.columns(['host_id', 'pci_address']).doUpdateSet((eb) => ({
        ifname: eb.ref('excluded.ifname'),
        vendor_id: eb.ref('excluded.vendor_id'),
        device_id: eb.ref('excluded.device_id'),
        driver: eb.ref('excluded.driver'),
        total_vfs: eb.ref('excluded.total_vfs'),
        num_vfs: eb.ref('excluded.num_vfs'),
        numa_node: eb.ref('excluded.numa_node'),
        link_state: eb.ref('excluded.link_state'),
        admin_up: eb.ref('excluded.admin_up'),
        speed_mbps: eb.ref('excluded.speed_mbps'),
        eswitch_mode: eb.ref('excluded.eswitch_mode'),
        spec_id: eb.ref('excluded.spec_id'),
        physnet: eb.ref('excluded.physnet'),
        owner: eb.ref('excluded.owner'),
      })),
    )
    .returning(['id', 'pci_address'])
    .execute();
  const pfId = new Map(pfIds.map((r) => [r.pci_address, r.id]));
  const idOf = (address: string) => {
    const found = pfId.get(address);
    if (found === undefined) throw new Error(`PF ${address} of host ${id}: no row after upsert`);
    return found;
  };
  const pfOf = new Map(report.pfs.map((pf) => [idOf(pf.pciAddress), pf]));
  const vfRows = report.pfs.flatMap((pf) =>
    pf.vfs.map((vf) => ({
      pf_id: idOf(pf.pciAddress),
      host_id: id,
      vf_index: vf.index,
      pci_address: vf.pciAddress,
      numa_node: pf.numaNode,
      driver: vf.reported.driver,
      iommu_group: vf.reported.iommuGroup,
      netdev: vf.reported.netdev,
      vdpa_dev: vf.reported.vdpaDev,
      representor: vf.reported.representor,
      ...vfTags(specs, pf, vf.index),
    })),
  );
  for (const rows of chunks(vfRows)) {
    const written = await tx
      .insertInto('vfs')
      .values(rows)
      .onConflict((oc) =>
        oc.columns(['pf_id', 'vf_index']).doUpdateSet((eb) => ({
          pci_address: eb.ref('excluded.pci_address'),
          numa_node: eb.ref('excluded.numa_node'),
          physnet: eb.ref('excluded.physnet'),
          trusted: eb.ref('excluded.trusted'),
          owner: eb.ref('excluded.owner'),
          driver: eb.ref('excluded.driver'),
          iommu_group: eb.ref('excluded.iommu_group'),
          netdev: eb.ref('excluded.netdev'),
          vdpa_dev: eb.ref('excluded.vdpa_dev'),
          representor: eb.ref('excluded.representor'),
        })),
      )
      // xmax is 0 on a row this statement inserted (not on one it updated): a new VF.
      .returning([
        'pf_id',
        'pci_address',
        'vf_index',
        'physnet',
        sql<boolean>`xmax = 0`.as('inserted'),
      ])
      .execute();
    await writeAudit(
      tx,
      written
        .filter((r) => r.inserted)
        .map((r) => {
          const pf = pfOf.get(r.pf_id);
          const where = { pf: pf?.ifname ?? pf?.pciAddress ?? '', pfAddress: pf?.pciAddress ?? '' };
          return {
            ...fleetOn(id),
            action: 'vf.create' as const,
            object: {
              type: 'vf' as const,
              id: r.pci_address,
              name: `${where.pf} VF ${String(r.vf_index)}`,
            },
            vfs: [r.pci_address],
            after: { ...where, vf: r.vf_index, vfAddress: r.pci_address, physnet: r.physnet },
          };
        }),
      now,
    );
  }
  await dropVanishedVfs(tx, report, idOf);
  return [...pfOf.keys()];
}

/**
 * VFs of the reported PFs that the report no longer lists: deleted when
 * free, noted NOT_REPORTED when a port holds one (a full sync after its
 * release removes it).
 */
async function dropVanishedVfs(
  tx: Tx,
  report: HostReport,
  idOf: (address: string) => number,
): Promise<void> {
  const pfs = report.pfs.map((pf) => idOf(pf.pciAddress));
  const present = JSON.stringify(
    report.pfs.flatMap((pf) => pf.vfs.map((vf) => [idOf(pf.pciAddress), vf.index])),
  );
  const gone = sql<boolean>`vfs.pf_id = any(${pfs}::integer[]) and not exists (
    select 1 from jsonb_array_elements(${present}::jsonb) as p(v)
    where (p.v->>0)::integer = vfs.pf_id and (p.v->>1)::integer = vfs.vf_index)`;
  await tx.deleteFrom('vfs').where(gone).where('port_id', 'is', null).execute();
  await tx.updateTable('vfs').set({ note: NOT_REPORTED }).where(gone).execute();
}
