// Instance release: giving an instance's VFs, whole PFs and ports back.
import type { Kysely, Transaction } from 'kysely';
import type { ReleaseEvents } from '../../core/fleet/claim-store.js';
import type { Database } from './db-types.js';
import { withEvents, type EventTap } from './event-store.js';
import { releaseDevices, released } from './claimable-devices.js';
import { nextGeneration } from './host-generation.js';
import { writeAudit } from './audit-scope.js';
import { instanceAudit } from './audit-entries.js';
import { portViews } from './port-views.js';
import { toInstance } from './rows.js';

/**
 * Gives an instance's VFs (and whole PFs) back: free but dirty until the agent confirms the
 * reset (so no one gets a VF still carrying the last tenant's MAC or VLAN),
 * drops its ports (their MACs become free). `expire` only acts on a
 * reservation that is still unbound and keeps the instance row as expired.
 */
export async function releaseInstance(
  db: Kysely<Database>,
  id: string,
  mode: 'release' | 'expire',
  now?: string,
  record?: ReleaseEvents & { readonly tap: EventTap },
): Promise<boolean> {
  if (record === undefined) return db.transaction().execute((tx) => releaseIn(tx, id, mode, now));
  // Recorded only when the release happened, in its transaction.
  return withEvents(
    db,
    record.tap,
    async (tx, add) => {
      const done = await releaseIn(tx, id, mode, now);
      if (done) add(record.events);
      return done;
    },
    record.now,
  );
}

/**
 * releaseInstance inside the caller's transaction (an applied report
 * releases the instances whose domain went in its own). False when there
 * is no such instance or, for `expire`, its reservation still holds.
 */
export async function releaseIn(
  tx: Transaction<Database>,
  id: string,
  mode: 'release' | 'expire',
  now?: string,
  byFleet = false,
): Promise<boolean> {
  const peek = await tx
    .selectFrom('instances')
    .select(['host_id'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!peek) return false;
  // Host first, then the instance: the same order as claims and apply reports.
  const host =
    peek.host_id === null
      ? undefined
      : await tx
          .selectFrom('hosts')
          .select(['id', 'desired_generation'])
          .where('id', '=', peek.host_id)
          .forUpdate()
          .executeTakeFirst();
  const inst = await tx
    .selectFrom('instances')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!inst) return false;
  if (
    mode === 'expire' &&
    (inst.state !== 'reserved' ||
      (now !== undefined &&
        inst.reserved_until !== null &&
        new Date(inst.reserved_until).toISOString() >= now))
  ) {
    return false;
  }
  // Read before the ports go: the release record names the VFs and MACs given back.
  const held = { ...toInstance(inst), ports: await portViews(tx, { instanceIds: [id] }) };
  const action = mode === 'release' ? 'instance.delete' : 'reservation.expire';
  await writeAudit(tx, [instanceAudit(action, held, null, byFleet || mode === 'expire')], now);
  const gen = (host?.desired_generation ?? 0) + 1;
  await releaseDevices(tx, 'pfs', id, gen);
  await releaseDevices(tx, 'vfs', id, gen);
  await releaseMigrationHolds(tx, id, host?.id ?? null, gen);
  await tx.deleteFrom('ports').where('instance_id', '=', id).execute();
  if (mode === 'release') await tx.deleteFrom('instances').where('id', '=', id).execute();
  else
    await tx
      .updateTable('instances')
      .set({ state: 'expired', reserved_until: null, expired_at: now ?? null })
      .where('id', '=', id)
      .execute();
  if (host)
    await tx
      .updateTable('hosts')
      .set({ desired_generation: gen })
      .where('id', '=', host.id)
      .execute();
  return true;
}

/**
 * VFs still held for the instance's ports by a migration (the source's VF
 * of a migration done whose cleanup failed, on another host): released with
 * the ports, dirty until their own host's agent resets them. Left, they
 * would name ports that are gone and never be offered again.
 */
async function releaseMigrationHolds(
  tx: Transaction<Database>,
  id: string,
  own: string | null,
  ownGen: number,
): Promise<void> {
  const ports = tx.selectFrom('ports').select('id').where('instance_id', '=', id);
  const holds = await tx
    .selectFrom('vfs')
    .select('host_id')
    .where('migration_port', 'in', ports)
    .execute();
  // Another host's row after the instance's own, in name order, as multi-host locks go.
  for (const host of [...new Set(holds.map((h) => h.host_id))].sort()) {
    const gen = host === own ? ownGen : await nextGeneration(tx, host);
    await tx
      .updateTable('vfs')
      .set({ ...released(gen), migration_port: null })
      .where('host_id', '=', host)
      .where('migration_port', 'in', ports)
      .execute();
  }
}
