import type { ColumnType, Generated, JSONColumnType } from 'kysely';

/** Row types of the VM tables (schema/0004-instance-vms.ts). */

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface HostFactsTable {
  host_id: string;
  facts: JSONColumnType<object>;
  irq_pins: JSONColumnType<object> | null;
  updated_at: Timestamp;
}

export interface InstanceVmsTable {
  instance_id: string;
  boot: JSONColumnType<object>;
  desired: string;
  state: string | null;
  message: string | null;
  hypervisor: string | null;
  placement: JSONColumnType<object> | null;
  updated_at: Timestamp;
}

export interface VmTasksTable {
  id: string;
  host_id: string;
  instance_id: string | null;
  op: string;
  args: JSONColumnType<object>;
  state: Generated<string>;
  message: string | null;
  created_at: Timestamp;
  finished_at: Timestamp | null;
}

export interface MigrationsTable {
  id: string;
  instance_id: string;
  source: string;
  target: string;
  state: string;
  report: JSONColumnType<object> | null;
  created_at: Timestamp;
  finished_at: Timestamp | null;
  /** The live migration's state machine (0010-live-steps); null on rows from before it. */
  live_state: ColumnType<object | null, string | null | undefined, string | null>;
  lease_owner: ColumnType<string | null, string | null | undefined, string | null>;
  lease_until: ColumnType<Date | string | null, string | null | undefined, string | null>;
}

export interface VmTables {
  host_facts: HostFactsTable;
  instance_vms: InstanceVmsTable;
  vm_tasks: VmTasksTable;
  migrations: MigrationsTable;
}
