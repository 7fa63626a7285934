// What an agent applied: moving each VF of the applied generation on (clean, bound, quarantined).
import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import { VfleetError } from '../../core/errors.js';
import type { Host } from '../../core/fleet/model.js';
import type { NewEvent } from '../../core/fleet/events.js';
import type { ApplyOutcome, AppliedVms } from '../../core/fleet/host-store.js';
import type { Database } from './db-types.js';
import { applyEvents } from './apply-events.js';
import { writeAudit } from './audit-scope.js';
import { applyAudits, fleetOn } from './audit-entries.js';
import { withEvents, type EventTap } from './event-store.js';
import { toHost } from './rows.js';
import { settleDevices } from './claimable-devices.js';
import { writeIrqPins, writeVmResults } from './host-facts.js';
import { releaseIn } from './instance-release.js';
import { instanceView } from './instance-views.js';

/**
 * An agent applied generation g. VFs whose settings that generation carries
 * move on: a reset VF becomes clean (offered again), a reserved VF becomes
 * allocated (bound), a quarantined VF whose reset now succeeded is freed. A
 * VF the agent could not set is quarantined if free, flagged if held. The
 * agent's domain results go in the same transaction (recordVms).
 */
export async function recordApplied(
  db: Kysely<Database>,
  id: string,
  o: ApplyOutcome,
  vms: AppliedVms,
  now: string,
  tap: EventTap,
): Promise<Host> {
  return withEvents(
    db,
    tap,
    async (tx, record) => {
      const host = await recordGeneration(tx, id, o, now, record);
      await recordVms(tx, id, vms, now, record);
      return host;
    },
    now,
  );
}

/**
 * The agent's domain results and IRQ pins; an instance whose domain is gone
 * as asked is released (its VFs dirty until reset) with its events. The
 * host's row is locked already (recordGeneration), as a release wants first.
 */
async function recordVms(
  tx: Transaction<Database>,
  id: string,
  vms: AppliedVms,
  now: string,
  record: (e: readonly NewEvent[]) => void,
): Promise<void> {
  if (vms.irqs !== undefined) await writeIrqPins(tx, id, vms.irqs);
  for (const gone of await writeVmResults(tx, id, vms.results, now)) {
    // Read before the release drops its ports: the events show the instance as it was.
    const inst = await instanceView(tx, gone);
    if ((await releaseIn(tx, gone, 'release', now, true)) && inst !== null)
      record(vms.goneEvents(inst));
  }
}

async function recordGeneration(
  tx: Transaction<Database>,
  id: string,
  o: ApplyOutcome,
  now: string,
  record: (e: readonly NewEvent[]) => void,
): Promise<Host> {
  const host = await tx
    .selectFrom('hosts')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!host) throw new VfleetError('NOT_FOUND', `host ${id} is not registered`, { field: 'host' });
  if (o.generation > host.desired_generation) {
    throw new VfleetError(
      'INVALID_INPUT',
      `generation ${o.generation} was never handed out (latest is ${host.desired_generation})`,
      { field: 'generation' },
    );
  }
  const message = o.message ?? (o.ok ? null : 'apply failed');
  if (!o.ok) {
    await tx
      .updateTable('hosts')
      .set({ last_apply_message: message, last_seen: now })
      .where('id', '=', id)
      .execute();
    return toHost({ ...host, last_apply_message: message });
  }
  const failed = [...o.failedVfs];
  // Read before the rows move on: which VFs this generation configures or resets.
  const applied = await applyEvents(tx, host, o.generation, failed);
  record(applied);
  await writeAudit(tx, applyAudits(id, applied), now);
  const why = message ?? 'agent reported failure';
  const settle = { hostId: id, generation: o.generation, failed };
  await settleDevices(tx, 'vfs', {
    ...settle,
    note: `settings not applied: ${why}`.slice(0, 500),
    // A migration's hold keeps its VF until the migration lets it go.
    quarantinable: sql<boolean>`migration_port is null`,
  });
  await auditQuarantine(tx, id, failed, now);
  // Only a PF offered whole (or held by a port) is quarantined as a device.
  await settleDevices(tx, 'pfs', {
    ...settle,
    note: `not applied: ${why}`.slice(0, 500),
    quarantinable: sql<boolean>`(physnet is not null or port_id is not null)`,
  });
  // An instance is bound once none of its VFs (or whole PFs) waits for the agent.
  await tx
    .updateTable('instances')
    .set({ state: 'active', reserved_until: null })
    .where('host_id', '=', id)
    .where('state', '=', 'reserved')
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('vfs')
            .innerJoin('ports', 'ports.id', 'vfs.port_id')
            .select('vfs.id')
            .whereRef('ports.instance_id', '=', 'instances.id')
            .where('vfs.state', '=', 'reserved'),
        ),
      ),
    )
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('pfs')
            .innerJoin('ports', 'ports.id', 'pfs.port_id')
            .select('pfs.id')
            .whereRef('ports.instance_id', '=', 'instances.id')
            .where('pfs.state', '=', 'reserved'),
        ),
      ),
    )
    .execute();
  const row = await tx
    .updateTable('hosts')
    .set({
      applied_generation: sql<number>`greatest(applied_generation, ${o.generation})`,
      last_apply_message: message,
      last_seen: now,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toHost(row);
}

/** The VFs this apply could not set that are now quarantined: one record each. */
async function auditQuarantine(
  tx: Transaction<Database>,
  id: string,
  failed: readonly string[],
  now: string,
): Promise<void> {
  if (failed.length === 0) return;
  const rows = await tx
    .selectFrom('vfs')
    .select(['pci_address', 'state', 'note'])
    .where('host_id', '=', id)
    .where('pci_address', 'in', failed)
    .where('state', '=', 'quarantined')
    .execute();
  await writeAudit(
    tx,
    rows.map((r) => ({
      ...fleetOn(id),
      action: 'vf.quarantine' as const,
      object: { type: 'vf' as const, id: r.pci_address, name: null },
      vfs: [r.pci_address],
      after: { state: r.state, note: r.note },
    })),
    now,
  );
}
