import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DeviceSpec, Host } from '../../core/fleet/model.js';
import { governingSpec, vfTags, wholePfTags } from '../../core/fleet/spec-match.js';
import type { SpecTarget } from '../../core/fleet/spec-match.js';
import type { Database } from './db-types.js';
import { toHost, toSpec } from './rows.js';

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
 * whole-PF physnet and owner, and its VFs' physnet, trust and owner, one
 * update per distinct tag set. The caller holds the PF's host row lock.
 */
export async function retagPf(
  tx: Transaction<Database>,
  specs: readonly DeviceSpec[],
  pf: PfRow,
): Promise<void> {
  const target = pfTarget(pf);
  const whole = wholePfTags(specs, target);
  await tx
    .updateTable('pfs')
    .set({
      spec_id: governingSpec(specs, target)?.id ?? null,
      physnet: whole.physnet,
      owner: whole.owner,
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
    const k = JSON.stringify([t.physnet, t.trusted, t.owner]);
    groups.set(k, [...(groups.get(k) ?? []), vf.id]);
  }
  for (const [k, ids] of groups) {
    const [physnet, trusted, owner] = JSON.parse(k) as [string | null, boolean, string | null];
    await tx.updateTable('vfs').set({ physnet, trusted, owner }).where('id', 'in', ids).execute();
  }
}

/**
 * Locks every host row, in id order (the order every multi-host lock keeps,
 * so none deadlocks another): claims on any host wait until the spec change
 * that holds them commits.
 */
export async function lockHosts(tx: Transaction<Database>): Promise<string[]> {
  // Byte order ("C"), whatever the database's collation: the order of the JS sort
  // by which live migrations lock their two hosts.
  const rows = await tx
    .selectFrom('hosts')
    .select('id')
    .orderBy(sql`id collate "C"`)
    .forUpdate()
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Re-tags every host's PFs and VFs from the current specs, in the caller's
 * transaction (that of the spec change), and bumps each host whose declared
 * state moved, so its agent hears of it once the change commits.
 */
export async function retagHosts(tx: Transaction<Database>): Promise<void> {
  const hosts = await lockHosts(tx);
  const specs = await loadSpecs(tx);
  const pfs = await tx.selectFrom('pfs').selectAll().orderBy('id').execute();
  for (const pf of pfs) await retagPf(tx, specs, pf);
  for (const id of hosts) await bumpIfDeclaredStateMoved(tx, id, specs);
}

/**
 * Which spec governs which PF is the host's declared state; when it moved
 * (new spec, new PF) the host must apply again before it is offered.
 * `specs`: as loadSpecs gives them, read in this transaction.
 */
export async function bumpIfDeclaredStateMoved(
  tx: Transaction<Database>,
  id: string,
  specs: readonly DeviceSpec[],
): Promise<Host> {
  const pfs = await tx
    .selectFrom('pfs')
    .select(['pci_address', 'spec_id'])
    .where('host_id', '=', id)
    .execute();
  const byId = new Map(specs.map((s) => [s.id, s]));
  const fingerprint = pfs
    .filter((p) => p.spec_id !== null)
    .map((p) => {
      const s = p.spec_id === null ? undefined : byId.get(p.spec_id);
      return `${p.pci_address}=${s?.id ?? ''}:${s?.numVfs ?? ''}:${s?.vfDriver ?? ''}${s?.wholePf === true ? ':whole' : ''}`;
    })
    .sort()
    .join(',');
  const row = await tx
    .updateTable('hosts')
    .set((eb) => ({
      spec_fingerprint: fingerprint,
      desired_generation: eb('desired_generation', '+', 1),
      spec_generation: eb('desired_generation', '+', 1),
    }))
    .where('id', '=', id)
    .where('spec_fingerprint', '<>', fingerprint)
    .returningAll()
    .executeTakeFirst();
  if (row) return toHost(row);
  return toHost(
    await tx.selectFrom('hosts').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
  );
}
