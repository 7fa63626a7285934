// What an agent applied: moving each VF of the applied generation on (clean, bound, quarantined).
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { VfleetError } from '../../core/errors.js';
import type { Host } from '../../core/fleet/model.js';
import type { ApplyOutcome } from '../../core/fleet/host-store.js';
import type { Database } from './db-types.js';
import { applyEvents } from './apply-events.js';
import { withEvents, type EventTap } from './event-store.js';
import { toHost } from './rows.js';
import { settleDevices } from './claimable-devices.js';

/**
 * An agent applied generation g. VFs whose settings that generation carries
 * move on: a reset VF becomes clean (offered again), a reserved VF becomes
 * allocated (bound), a quarantined VF whose reset now succeeded is freed. A
 * VF the agent could not set is quarantined if free, flagged if held.
 */
export async function recordApplied(
  db: Kysely<Database>,
  id: string,
  o: ApplyOutcome,
  now: string,
  tap: EventTap,
): Promise<Host> {
  return withEvents(
    db,
    tap,
    async (tx, record) => {
      const host = await tx
        .selectFrom('hosts')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!host)
        throw new VfleetError('NOT_FOUND', `host ${id} is not registered`, { field: 'host' });
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
      record(await applyEvents(tx, host, o.generation, failed));
      const why = message ?? 'agent reported failure';
      const settle = { hostId: id, generation: o.generation, failed };
      await settleDevices(tx, 'vfs', {
        ...settle,
        note: `settings not applied: ${why}`.slice(0, 500),
        // A migration's hold keeps its VF until the migration lets it go.
        quarantinable: sql<boolean>`migration_port is null`,
      });
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
    },
    now,
  );
}
