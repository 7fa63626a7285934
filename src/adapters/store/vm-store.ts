import { VfleetError } from '../../core/errors.js';
import { type Kysely, type Transaction } from 'kysely';
import { allocationOf, pinnableCpus } from '../../core/fleet/allocation.js';
import { allocationRulesColumn, toRule } from './allocation-rules.js';
import type { IrqPinSummary, VmStore } from '../../core/fleet/vm-store.js';
import type { HostRenderFacts } from '../../core/fleet/host-render-facts.js';
import type { Database } from './db-types.js';
import type { EventTap } from './event-store.js';
import { nextGeneration } from './host-generation.js';
import { writeAudit } from './audit-scope.js';
import { instanceAudit } from './audit-entries.js';
import { instanceView } from './instance-views.js';
import { writeVmResults } from './host-facts.js';
import { createLiveMigrationStore } from './live-migration-store.js';
import { createVmHolds } from './live-migration-vf-holds.js';
import { groupRows } from './group-rows.js';
import { toTask, toVm } from './vm-rows.js';

type Db = Kysely<Database> | Transaction<Database>;

const json = (v: unknown) => JSON.stringify(v);

export function createVmStore(db: Kysely<Database>, tap: EventTap): VmStore {
  // Inside a transaction, reads go through it: PGlite has one connection, held by the transaction.
  const hostOf = async (q: Db, instanceId: string) =>
    (
      await q
        .selectFrom('instances')
        .select('host_id')
        .where('id', '=', instanceId)
        .executeTakeFirst()
    )?.host_id ?? null;
  /**
   * A change to an instance's domain, and its host told, in one transaction.
   * The host's row is locked first, as an agent's report locks it before its
   * domain rows: the other order deadlocked a delete against a report.
   */
  const changeVm = (instanceId: string, change: (tx: Transaction<Database>) => Promise<unknown>) =>
    db.transaction().execute(async (tx) => {
      const host = await hostOf(tx, instanceId);
      if (host !== null) await nextGeneration(tx, host);
      await change(tx);
    });
  return {
    async facts(hostId) {
      const r = await db
        .selectFrom('host_facts')
        .innerJoin('hosts', 'hosts.id', 'host_facts.host_id')
        .select(['host_facts.facts', 'hosts.id', 'hosts.labels'])
        .select(allocationRulesColumn.as('allocation_rules'))
        .where('host_id', '=', hostId)
        .executeTakeFirst();
      if (r === undefined) return null;
      // Written only by a host's report (host-facts.ts), from a validated report.
      const facts = r.facts as HostRenderFacts;
      // CPUs the host's allocation rule keeps for the host are never pinned to.
      const a = allocationOf(r, r.allocation_rules.map(toRule));
      if (a.reservedCpus.length === 0) return facts;
      return {
        ...facts,
        numa: facts.numa.map((n) => ({ ...n, cpus: pinnableCpus(n.cpus, a) })),
      };
    },
    async irqPins(hostId) {
      const r = await db
        .selectFrom('host_facts')
        .select('irq_pins')
        .where('host_id', '=', hostId)
        .executeTakeFirst();
      // Written only by a host's applied (host-facts.ts), from a validated report.
      return (r?.irq_pins ?? null) as IrqPinSummary | null;
    },
    create: (instanceId, boot, now) =>
      changeVm(instanceId, (tx) =>
        tx
          .insertInto('instance_vms')
          .values({
            instance_id: instanceId,
            boot: json(boot),
            desired: 'running',
            updated_at: now,
          })
          .execute(),
      ),
    async get(instanceId) {
      const r = await db
        .selectFrom('instance_vms')
        .selectAll()
        .where('instance_id', '=', instanceId)
        .executeTakeFirst();
      return r === undefined ? null : toVm(r);
    },
    async forHosts(hostIds) {
      if (hostIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('instance_vms')
        .innerJoin('instances', 'instances.id', 'instance_vms.instance_id')
        .selectAll('instance_vms')
        .select('instances.host_id')
        .where('instances.host_id', 'in', hostIds)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('migrations')
                .select('migrations.id')
                .whereRef('migrations.instance_id', '=', 'instances.id')
                .where('migrations.state', '=', 'running'),
            ),
          ),
        )
        .orderBy('instances.created_at')
        .execute();
      return groupRows(rows, (r) => r.host_id ?? '', toVm);
    },
    requestDelete: (instanceId, now) =>
      changeVm(instanceId, async (tx) => {
        // Under the instance's lock, as a migration's start takes it: never both at once. A
        // delete mid-migration would leave the target's VF held for ports that are gone.
        // One statement: the lock (on the instance's row alone), and the migration running now.
        const moving = await tx
          .selectFrom('instances')
          .leftJoin('migrations', (j) =>
            j
              .onRef('migrations.instance_id', '=', 'instances.id')
              .on('migrations.state', '=', 'running'),
          )
          .select(['migrations.id', 'instances.name'])
          .where('instances.id', '=', instanceId)
          .forUpdate('instances')
          .executeTakeFirst();
        const migration = moving?.id ?? null;
        if (moving !== undefined && migration !== null)
          throw new VfleetError(
            'CONFLICT',
            `instance ${moving.name} is migrating (migration ${migration}); delete it once the migration has ended`,
            { migration },
          );
        await tx
          .updateTable('instance_vms')
          .set({ desired: 'absent', updated_at: now })
          .where('instance_id', '=', instanceId)
          .execute();
        // Who asked: the release itself comes when the agent reports the domain gone (by the fleet).
        const inst = await instanceView(tx, instanceId);
        if (inst !== null) {
          const asked = instanceAudit('instance.delete', inst, null);
          await writeAudit(tx, [{ ...asked, after: { vm: { desired: 'absent' } } }], now);
        }
      }),
    recordResults: (hostId, results, now) => writeVmResults(db, hostId, results, now),
    async addTask(t, now) {
      await db.transaction().execute(async (tx) => {
        // The host's row first, as everywhere (changeVm).
        await nextGeneration(tx, t.hostId);
        await tx
          .insertInto('vm_tasks')
          .values({
            id: t.id,
            host_id: t.hostId,
            instance_id: t.instanceId,
            op: t.op,
            args: json(t.args),
            created_at: now,
          })
          .execute();
      });
    },
    async pendingTasks(hostIds) {
      if (hostIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('vm_tasks')
        .selectAll()
        .where('host_id', 'in', hostIds)
        .where('state', '=', 'pending')
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return groupRows(rows, (r) => r.host_id, toTask);
    },
    async finishTask(hostId, id, ok, message, now) {
      const r = await db
        .updateTable('vm_tasks')
        .set({ state: ok ? 'done' : 'failed', message, finished_at: now })
        .where('id', '=', id)
        .where('host_id', '=', hostId)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async getTask(id) {
      const r = await db.selectFrom('vm_tasks').selectAll().where('id', '=', id).executeTakeFirst();
      return r === undefined ? null : toTask(r);
    },
    ...createVmHolds(db),
    ...createLiveMigrationStore(db, tap),
  };
}
