import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DeviceSpec, Host } from '../../core/fleet/model.js';
import { governingSpec, vfTags, wholePfTags } from '../../core/fleet/spec-match.js';
import type { SpecTarget } from '../../core/fleet/spec-match.js';
import type { Database } from './db-types.js';
import { toHost, toSpec } from './rows.js';

export type PfRow = Selectable<Database['pfs']>;
type Tx = Transaction<Database>;

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

/** A run of VF indexes of one PF (hi inclusive) that share their tags. */
interface VfRun {
  readonly pf: number;
  readonly lo: number;
  readonly hi: number;
  readonly physnet: string | null;
  readonly trusted: boolean;
  readonly owner: string | null;
}

// VF indexes are below totalVfs (report checks); the last run reaches past any index anyway.
const LAST_INDEX = 2_147_483_647;

/** The tags of `pf`'s VF indexes as runs: one run unless a spec selects VFs by index range. */
function vfRuns(specs: readonly DeviceSpec[], pf: PfRow): VfRun[] {
  const target = pfTarget(pf);
  const runs: VfRun[] = [];
  for (let i = 0; i <= pf.total_vfs; i++) {
    const t = vfTags(specs, target, i);
    const last = runs[runs.length - 1];
    if (last?.physnet === t.physnet && last.trusted === t.trusted && last.owner === t.owner)
      runs[runs.length - 1] = { ...last, hi: i };
    else runs.push({ pf: pf.id, lo: i, hi: i, ...t });
  }
  const end = runs[runs.length - 1];
  if (end !== undefined) runs[runs.length - 1] = { ...end, hi: LAST_INDEX };
  return runs;
}

/**
 * Tags `pfs` from `specs` (in precedence order), set-based: one statement
 * for the PFs (governing spec, whole-PF physnet and owner) and one for their
 * VFs (physnet, trust, owner by index run), each writing only the rows whose
 * tags move, so a change of driver or count rewrites no VF row. The caller
 * holds the PFs' host row locks.
 */
export async function retagPfs(
  tx: Tx,
  specs: readonly DeviceSpec[],
  pfs: readonly PfRow[],
): Promise<void> {
  if (pfs.length === 0) return;
  const pfTags = pfs.flatMap((pf) => {
    const target = pfTarget(pf);
    const whole = wholePfTags(specs, target);
    const specId = governingSpec(specs, target)?.id ?? null;
    return specId === pf.spec_id && whole.physnet === pf.physnet && whole.owner === pf.owner
      ? []
      : [{ id: pf.id, spec_id: specId, physnet: whole.physnet, owner: whole.owner }];
  });
  if (pfTags.length > 0)
    await sql`update pfs set spec_id = v.spec_id, physnet = v.physnet, owner = v.owner
      from jsonb_to_recordset(${JSON.stringify(pfTags)}::jsonb)
        as v(id integer, spec_id text, physnet text, owner text)
      where pfs.id = v.id`.execute(tx);
  const runs = pfs.flatMap((pf) => vfRuns(specs, pf));
  await sql`update vfs set physnet = v.physnet, trusted = v.trusted, owner = v.owner
    from jsonb_to_recordset(${JSON.stringify(runs)}::jsonb)
      as v(pf integer, lo integer, hi integer, physnet text, trusted boolean, owner text)
    where vfs.pf_id = v.pf and vfs.vf_index between v.lo and v.hi
      and (vfs.physnet, vfs.trusted, vfs.owner) is distinct from (v.physnet, v.trusted, v.owner)`.execute(
    tx,
  );
}

/**
 * Locks every host row (or those of `only`), in id order (the order every
 * multi-host lock keeps, so none deadlocks another): claims on those hosts
 * wait until the spec change that holds them commits.
 */
export async function lockHosts(tx: Tx, only?: readonly string[]): Promise<string[]> {
  if (only?.length === 0) return [];
  // Byte order ("C"), whatever the database's collation: the order of the JS sort
  // by which live migrations lock their two hosts.
  let q = tx
    .selectFrom('hosts')
    .select('id')
    .orderBy(sql`id collate "C"`)
    .forUpdate();
  if (only !== undefined) q = q.where(sql<boolean>`id = any(${only})`);
  const rows = await q.execute();
  return rows.map((r) => r.id);
}

/** The declared state of a host's PFs: which spec governs each, with what count, driver and wholeness. */
function declaredFingerprint(
  pfs: readonly { pci_address: string; spec_id: string | null }[],
  byId: ReadonlyMap<string, DeviceSpec>,
): string {
  return pfs
    .filter((p) => p.spec_id !== null)
    .map((p) => {
      const s = p.spec_id === null ? undefined : byId.get(p.spec_id);
      const sw = `${s?.eswitchMode ?? ''}${s?.vdpa === true ? ':vdpa' : ''}`;
      return `${p.pci_address}=${s?.id ?? ''}:${s?.numVfs ?? ''}:${s?.vfDriver ?? ''}${s?.wholePf === true ? ':whole' : ''}:${sw}`;
    })
    .sort()
    .join(',');
}

/**
 * Bumps, in one statement, each of `hosts` whose declared state moved: its
 * agent's long poll wakes (the hosts_desired_notice trigger) once the
 * change commits. `specs`: as loadSpecs gives them, read in this transaction.
 */
export async function bumpHosts(
  tx: Tx,
  hosts: readonly string[],
  specs: readonly DeviceSpec[],
): Promise<void> {
  const rows = await fingerprints(tx, hosts, specs);
  if (rows.length === 0) return;
  await sql`update hosts set spec_fingerprint = v.fp,
      desired_generation = desired_generation + 1, spec_generation = desired_generation + 1
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(id text, fp text)
    where hosts.id = v.id and hosts.spec_fingerprint <> v.fp`.execute(tx);
}

/** Each host's declared state under `specs` (PFs already tagged with them). */
async function fingerprints(
  tx: Tx,
  hosts: readonly string[],
  specs: readonly DeviceSpec[],
): Promise<{ id: string; fp: string }[]> {
  if (hosts.length === 0) return [];
  const pfs = await tx
    .selectFrom('pfs')
    .select(['host_id', 'pci_address', 'spec_id'])
    .where('host_id', 'in', hosts)
    .execute();
  const byHost = new Map<string, typeof pfs>(hosts.map((h) => [h, []]));
  for (const p of pfs) byHost.get(p.host_id)?.push(p);
  const byId = new Map(specs.map((s) => [s.id, s]));
  return [...byHost].map(([id, ps]) => ({ id, fp: declaredFingerprint(ps, byId) }));
}

/**
 * The hosts of `hosts` whose declared state `specs` moves (a rollout's
 * hosts), their new fingerprint recorded without a new generation: each
 * gets one when its wave releases it.
 */
export async function holdMovedHosts(
  tx: Tx,
  hosts: readonly string[],
  specs: readonly DeviceSpec[],
): Promise<string[]> {
  const rows = await fingerprints(tx, hosts, specs);
  if (rows.length === 0) return [];
  const moved = await sql<{ id: string }>`update hosts set spec_fingerprint = v.fp
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(id text, fp text)
    where hosts.id = v.id and hosts.spec_fingerprint <> v.fp
    returning hosts.id`.execute(tx);
  return moved.rows.map((r) => r.id).sort();
}

/**
 * Which spec governs which PF is the host's declared state; when it moved
 * (new spec, new PF) the host must apply again before it is offered.
 * `specs`: as loadSpecs gives them, read in this transaction.
 */
export async function bumpIfDeclaredStateMoved(
  tx: Tx,
  id: string,
  specs: readonly DeviceSpec[],
): Promise<Host> {
  const pfs = await tx
    .selectFrom('pfs')
    .select(['pci_address', 'spec_id'])
    .where('host_id', '=', id)
    .execute();
  const fingerprint = declaredFingerprint(pfs, new Map(specs.map((s) => [s.id, s])));
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
