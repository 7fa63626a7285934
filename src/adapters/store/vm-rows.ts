import type { Selectable } from 'kysely';
import type { MigrationRecord, VmRecord, VmTask } from '../../core/fleet/vm-store.js';
import { MIGRATION_STATES } from '../../core/fleet/vm-store.js';
import { VM_DESIRED, VM_STATES, type VmBoot } from '../../core/fleet/vm-domain.js';
import { DOMAIN_TASK_OPS } from '../../core/libvirt/domain-task-ops.js';
import { HYPERVISOR_KINDS } from '../../core/libvirt/hypervisor-facts.js';
import type { Database } from './db-types.js';
import { closed, iso } from './rows.js';

type Row<T extends keyof Database> = Selectable<Database[T]>;

const TASK_STATES = ['pending', 'done', 'failed'] as const;

export const toVm = (r: Row<'instance_vms'>): VmRecord => ({
  instanceId: r.instance_id,
  // Written only by this store from a validated request.
  boot: r.boot as VmBoot,
  desired: closed(VM_DESIRED, r.desired, 'VM desired state'),
  state: r.state === null ? null : closed(VM_STATES, r.state, 'VM state'),
  message: r.message,
  hypervisor: r.hypervisor === null ? null : closed(HYPERVISOR_KINDS, r.hypervisor, 'hypervisor'),
  updatedAt: iso(r.updated_at),
});

export const toTask = (r: Row<'vm_tasks'>): VmTask => ({
  id: r.id,
  hostId: r.host_id,
  instanceId: r.instance_id,
  op: closed(DOMAIN_TASK_OPS, r.op, 'task op'),
  args: r.args as Record<string, unknown>,
  state: closed(TASK_STATES, r.state, 'task state'),
  message: r.message,
  createdAt: iso(r.created_at),
});

export const toMigration = (r: Row<'migrations'>): MigrationRecord => ({
  id: r.id,
  instanceId: r.instance_id,
  source: r.source,
  target: r.target,
  state: closed(MIGRATION_STATES, r.state, 'migration state'),
  report: r.report as MigrationRecord['report'],
  createdAt: iso(r.created_at),
  finishedAt: r.finished_at === null ? null : iso(r.finished_at),
});
