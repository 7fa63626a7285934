import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DeviceSpec } from '../../core/fleet/model.js';
import { governingSpec, vfTags, wholePfPhysnet } from '../../core/fleet/spec-match.js';
import type { SpecTarget } from '../../core/fleet/spec-match.js';
import type { Database } from './db-types.js';
import { toSpec } from './rows.js';

export type PfRow = Selectable<Database['pfs']>;

/** Specs in precedence order: the oldest that selects a PF governs it. */
export async function loadSpecs(db: Kysely<Database>): Promise<DeviceSpec[]> {
  const rows = await db
    .selectFrom('device_specs')
    .selectAll()
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toSpec);
}

/** What specs select a PF by. */
export const pfTarget = (pf: PfRow): SpecTarget => ({
  pciAddress: pf.pci_address,
  vendorId: pf.vendor_id,
  deviceId: pf.device_id,
  driver: pf.driver,
});

/**
 * Tags one PF from `specs` (in precedence order): its governing spec and
 * whole-PF physnet, and its VFs' physnet and trust, one update per distinct
 * tag pair. The caller holds the PF's host row lock.
 */
export async function retagPf(
  tx: Transaction<Database>,
  specs: readonly DeviceSpec[],
  pf: PfRow,
): Promise<void> {
  const target = pfTarget(pf);
  await tx
    .updateTable('pfs')
    .set({
      spec_id: governingSpec(specs, target)?.id ?? null,
      physnet: wholePfPhysnet(specs, target),
    })
    .where('id', '=', pf.id)
    .execute();
  const vfs = await tx
    .selectFrom('vfs')
    .select(['id', 'vf_index'])
    .where('pf_id', '=', pf.id)
    .execute();
  const groups = new Map<string, number[]>();
  for (const vf of vfs) {
    const t = vfTags(specs, target, vf.vf_index);
    const k = JSON.stringify([t.physnet, t.trusted]);
    groups.set(k, [...(groups.get(k) ?? []), vf.id]);
  }
  for (const [k, ids] of groups) {
    const [physnet, trusted] = JSON.parse(k) as [string | null, boolean];
    await tx.updateTable('vfs').set({ physnet, trusted }).where('id', 'in', ids).execute();
  }
}
