import { writeAudit } from './audit-scope.js';
import { objectAudit } from './audit-entries.js';
// Spec updates: replacing a device spec under the row locks of the hosts it selects.
import type { Kysely, Transaction } from 'kysely';
import { VfleetError } from '../../core/errors.js';
import type { DeviceSpec } from '../../core/fleet/model.js';
import { takenText, vfsTakenAway, type TakenVf } from '../../core/fleet/spec-change.js';
import { refuseWhileRolling, startRollout, type NewRollout } from './rollout-start.js';
import { wholePfTags } from '../../core/fleet/spec-match.js';
import type { Database } from './db-types.js';
import { bumpHosts, loadSpecs, pfTarget as target, retagPfs, type PfRow } from './spec-tagging.js';
import { inSpecScope } from './spec-scope.js';
import { toSpec, uniqueViolation } from './rows.js';

type Tx = Transaction<Database>;

/**
 * Replaces a spec (same id, same age, so the same precedence) in one
 * transaction that holds the row locks of the hosts whose PFs the spec
 * selects before or after (spec-scope.ts): claims there wait (they lock the
 * host row first), so no VF is claimed between the check that no held VF is
 * taken away and the re-tag of those PFs; their hosts' generations are
 * bumped where their declared state moved, in the same commit. PFs neither
 * form selects keep their tags (the spec governs none of them), so the rest
 * of the fleet is not locked. Null when there is no such spec.
 */
export async function updateSpecTx(
  db: Kysely<Database>,
  spec: DeviceSpec,
  rollout?: NewRollout,
): Promise<{ spec: DeviceSpec; rollout: string | null } | null> {
  const current = async (q: Kysely<Database>) => {
    const row = await q
      .selectFrom('device_specs')
      .selectAll()
      .where('id', '=', spec.id)
      .executeTakeFirst();
    return row ? [toSpec(row), spec] : null;
  };
  return inSpecScope(db, current, async (tx, { pfs, hosts }) => {
    const before = await loadSpecs(tx);
    const old = before.find((s) => s.id === spec.id);
    if (old === undefined) return null;
    const after = before.map((s) => (s.id === spec.id ? spec : s));
    await refuseWhileRolling(tx);
    // In waves, a change of a host's declared state reaches each host in its wave, which
    // refuses (or evacuates) that host alone; a change of tags reaches every host now.
    await refuseTakingHeldVfs(
      tx,
      spec.name,
      before,
      after,
      pfs,
      rollout === undefined ? null : 'tags',
    );
    await refuseHandingOverHeldPfs(tx, spec.name, after, pfs);
    const updated = await writeSpecRow(tx, spec);
    const now = toSpec(updated);
    await retagPfs(tx, after, pfs);
    const what = { type: 'spec' as const, id: spec.id, name: now.name };
    await writeAudit(tx, [objectAudit('spec.update', what, old, now)]);
    if (rollout === undefined) {
      await bumpHosts(tx, hosts, after);
      return { spec: now, rollout: null };
    }
    const staged = await startRollout(tx, rollout, { before, after, old, now, hosts });
    return { spec: now, rollout: staged };
  }).catch((e: unknown) => {
    if (uniqueViolation(e) !== null)
      throw new VfleetError('CONFLICT', `a spec named ${spec.name} exists`, {
        field: 'name',
        kind: 'spec',
      });
    throw e;
  });
}

/** The spec's row replaced by `spec` (same id), as read back. */
export async function writeSpecRow(tx: Tx, spec: DeviceSpec) {
  return tx
    .updateTable('device_specs')
    .set({
      name: spec.name,
      vendor: spec.vendor,
      device: spec.device,
      driver: spec.driver,
      pci_address: spec.pciAddress,
      pf: spec.pf,
      physnet: spec.physnet,
      trusted: spec.trusted,
      num_vfs: spec.numVfs,
      vf_driver: spec.vfDriver,
      owner: spec.owner,
      bandwidth: spec.bandwidth === null ? null : JSON.stringify(spec.bandwidth),
      eswitch_mode: spec.eswitchMode,
      vdpa: spec.vdpa,
    })
    .where('id', '=', spec.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

async function refuseTakingHeldVfs(
  tx: Tx,
  name: string,
  before: readonly DeviceSpec[],
  after: readonly DeviceSpec[],
  pfs: readonly PfRow[],
  only: TakenVf['kind'] | null,
): Promise<void> {
  const taken = (await heldVfsTaken(tx, before, after, pfs)).filter(
    (t) => only === null || t.kind === only,
  );
  if (taken.length === 0) return;
  throw new VfleetError(
    'CONFLICT',
    `spec ${name}: the change would take ${taken.length} VF(s) from the ports holding them: ${takenText(taken)}; delete those instances first`,
    { field: 'spec', vfs: taken.slice(0, 100) },
  );
}

/** The VFs of `pfs` that ports hold and the change from `before` to `after` would take. */
export async function heldVfsTaken(
  tx: Tx,
  before: readonly DeviceSpec[],
  after: readonly DeviceSpec[],
  pfs: readonly PfRow[],
): Promise<TakenVf[]> {
  if (pfs.length === 0) return [];
  const byId = new Map(pfs.map((p) => [p.id, p]));
  const rows = await tx
    .selectFrom('vfs')
    // A VF held for a migrating port is held too: the move lands on it.
    .innerJoin('ports', (j) =>
      j.on((eb) =>
        eb.or([
          eb('ports.id', '=', eb.ref('vfs.port_id')),
          eb('ports.id', '=', eb.ref('vfs.migration_port')),
        ]),
      ),
    )
    .innerJoin('networks', 'networks.id', 'ports.network_id')
    .leftJoin('instances', 'instances.id', 'ports.instance_id')
    .select([
      'instances.name as instance',
      'vfs.host_id',
      'vfs.pf_id',
      'vfs.vf_index',
      'vfs.pci_address',
      'vfs.state',
      'ports.id as port_id',
      'ports.trusted',
      'networks.physnet',
    ])
    .where('vfs.pf_id', 'in', [...byId.keys()])
    .orderBy('vfs.host_id')
    .orderBy('vfs.pci_address')
    .execute();
  const held = rows.flatMap((r) => {
    const pf = byId.get(r.pf_id);
    if (pf === undefined) return [];
    return [
      {
        hostId: r.host_id,
        pf: { ...target(pf), numVfs: pf.num_vfs },
        index: r.vf_index,
        pciAddress: r.pci_address,
        state: r.state,
        portId: r.port_id,
        instance: r.instance,
        portPhysnet: r.physnet,
        portTrusted: r.trusted,
      },
    ];
  });
  return vfsTakenAway(before, after, held);
}

/**
 * A PF a vfleet port holds whole stays vfleet's: the change may not hand it
 * to another owner (the VFs' case is vfsTakenAway's).
 */
async function refuseHandingOverHeldPfs(
  tx: Tx,
  name: string,
  after: readonly DeviceSpec[],
  pfs: readonly PfRow[],
): Promise<void> {
  const lost = pfs.flatMap((p) => {
    const owner = wholePfTags(after, target(p)).owner;
    return p.port_id !== null && owner !== null && owner !== 'vfleet'
      ? [{ host: p.host_id, pf: p.pci_address, port: p.port_id, owner }]
      : [];
  });
  if (lost.length === 0) return;
  const instances = await tx
    .selectFrom('ports')
    .innerJoin('instances', 'instances.id', 'ports.instance_id')
    .select(['ports.id', 'instances.name'])
    .where(
      'ports.id',
      'in',
      lost.map((l) => l.port),
    )
    .execute();
  const instanceOf = new Map(instances.map((p) => [p.id, ` of instance ${p.name}`]));
  const text = lost
    .map(
      (l) =>
        `${l.host} PF ${l.pf} (held whole by port ${l.port}${instanceOf.get(l.port) ?? ''}; its owner would be ${l.owner})`,
    )
    .join('; ');
  throw new VfleetError(
    'CONFLICT',
    `spec ${name}: the change would hand ${lost.length} PF(s) held by vfleet ports to another owner: ${text}; delete those instances first`,
    { field: 'owner', pfs: lost.slice(0, 100) },
  );
}
