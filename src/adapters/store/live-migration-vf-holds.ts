// The VF holds of a live migration: the second VF a migrating port keeps on the other host.
import { sql, type Kysely } from 'kysely';
import { VfleetError } from '../../core/errors.js';
import type { VmStore } from '../../core/fleet/vm-store.js';
import type { Database } from './db-types.js';
import { nextGeneration } from './host-generation.js';
import { released } from './claimable-devices.js';
import { toMigration } from './vm-rows.js';
import { afterKey, keyText } from './keyset.js';
import { AGE, BY_AGE as NEWEST } from './list-pages.js';
import { pageOf } from '../../core/fleet/page.js';

type Holds = Pick<VmStore, 'holdVf' | 'swapVf' | 'dropVf' | 'migrations' | 'pageMigrations'>;

/**
 * A migrating port's VFs. The port keeps `port_id` on exactly one VF at a
 * time (the one it uses); the other, on the other host, is marked with
 * `migration_port` so it is neither offered nor lost, and carries the
 * port's settings in its host's desired state.
 */
export function createVmHolds(db: Kysely<Database>): Holds {
  return {
    holdVf: (portId, hostId, numaNode) =>
      db.transaction().execute(async (tx) => {
        const gen = await nextGeneration(tx, hostId);
        const port = await tx
          .selectFrom('ports')
          .innerJoin('networks', 'networks.id', 'ports.network_id')
          .select(['networks.physnet', 'ports.trusted'])
          .where('ports.id', '=', portId)
          .executeTakeFirst();
        if (port === undefined) throw new VfleetError('NOT_FOUND', `no port ${portId}`);
        // Asked again (a controller died before it wrote the answer down): the same VF. On the
        // target only the hold carries the port in migration_port (the source VF is elsewhere).
        const held = await tx
          .selectFrom('vfs')
          .select('pci_address')
          .where('host_id', '=', hostId)
          .where('migration_port', '=', portId)
          .executeTakeFirst();
        // Reserved, or already allocated once the target's agent applied it: the hold either way.
        if (held !== undefined) return { hostId, pciAddress: held.pci_address };
        // Under the host's lock, as a claim checks it (the migration's start checked the target
        // earlier, outside it): a host whose declared state is about to change (a rollout
        // released it) would recreate the VF under the guest; a cordoned one takes nothing new.
        const host = await tx
          .selectFrom('hosts')
          .select(['applied_generation', 'spec_generation', 'cordoned'])
          .where('id', '=', hostId)
          .executeTakeFirstOrThrow();
        if (host.cordoned) throw new VfleetError('CONFLICT', `host ${hostId} is cordoned`);
        if (host.applied_generation < host.spec_generation)
          throw new VfleetError(
            'CONFLICT',
            `host ${hostId} has not applied its declared state yet (generation ${String(host.spec_generation)})`,
          );
        const vf = await tx
          .selectFrom('vfs')
          .select(['id', 'pci_address'])
          .where('host_id', '=', hostId)
          .where('physnet', '=', port.physnet)
          .where('trusted', '=', port.trusted)
          // A VF handed to another owner is never vfleet's to hold.
          .where('owner', '=', 'vfleet')
          .where('state', '=', 'free')
          .where('dirty', '=', false)
          .orderBy(sql`(numa_node is not distinct from ${numaNode})`, 'desc')
          .orderBy('pf_id')
          .orderBy('vf_index')
          .limit(1)
          .forUpdate()
          .skipLocked()
          .executeTakeFirst();
        if (vf === undefined) return null;
        await tx
          .updateTable('vfs')
          .set({ state: 'reserved', migration_port: portId, pending_generation: gen })
          .where('id', '=', vf.id)
          .execute();
        return { hostId, pciAddress: vf.pci_address };
      }),

    swapVf: (portId, to) =>
      db.transaction().execute(async (tx) => {
        const already = await tx
          .selectFrom('vfs')
          .select('id')
          .where('host_id', '=', to.hostId)
          .where('pci_address', '=', to.pciAddress)
          .where('port_id', '=', portId)
          .executeTakeFirst();
        // Asked again after it was done (a controller died before it wrote the answer down).
        if (already !== undefined) return;
        const mine = await tx
          .updateTable('vfs')
          .set({ port_id: null, migration_port: portId })
          .where('port_id', '=', portId)
          .returning('host_id')
          .executeTakeFirst();
        const taken = await tx
          .updateTable('vfs')
          .set({ port_id: portId, migration_port: null, state: 'allocated', reserved_until: null })
          .where('host_id', '=', to.hostId)
          .where('pci_address', '=', to.pciAddress)
          .where('migration_port', '=', portId)
          .executeTakeFirst();
        if (mine === undefined || Number(taken.numUpdatedRows) !== 1) {
          throw new VfleetError(
            'CONFLICT',
            `port ${portId} does not hold ${to.pciAddress} on ${to.hostId}`,
          );
        }
      }),

    dropVf: (portId, vf) =>
      db.transaction().execute(async (tx) => {
        const gen = await nextGeneration(tx, vf.hostId);
        await tx
          .updateTable('vfs')
          .set({ ...released(gen), migration_port: null })
          .where('host_id', '=', vf.hostId)
          .where('pci_address', '=', vf.pciAddress)
          .where((eb) => eb.or([eb('port_id', '=', portId), eb('migration_port', '=', portId)]))
          .execute();
      }),

    async migrations(instanceId) {
      const rows = await db
        .selectFrom('migrations')
        .selectAll()
        .where('instance_id', '=', instanceId)
        .orderBy('created_at', 'desc')
        .execute();
      return rows.map(toMigration);
    },
    async pageMigrations(instanceId, page) {
      let q = db
        .selectFrom('migrations')
        .selectAll()
        .select(keyText(AGE).as('age_key'))
        .where('instance_id', '=', instanceId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(page.limit + 1);
      if (page.after !== null) q = q.where(afterKey(NEWEST, page.after, true));
      return pageOf(await q.execute(), page.limit, (r) => [r.age_key, r.id], toMigration);
    },
  };
}
