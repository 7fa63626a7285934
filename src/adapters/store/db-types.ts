import type { DeviceSpec } from '../../core/fleet/model.js';
import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { DatapathTables } from './db-types-datapath.js';
import type { VmTables } from './db-types-vms.js';

/** Row types of the controller's tables (see schema/), snake_case as in SQL. */

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Labels = JSONColumnType<Record<string, string>>;

export interface HostsTable {
  id: string;
  labels: Labels;
  healthy: boolean | null;
  last_seen: Timestamp | null;
  desired_generation: Generated<number>;
  spec_generation: Generated<number>;
  applied_generation: Generated<number>;
  spec_fingerprint: Generated<string>;
  numa_nodes: JSONColumnType<{ node: number; socket: number; cpus: number; cpuList?: number[] }[]>;
  memory_mb: number | null;
  findings: JSONColumnType<unknown[]>;
  last_apply_message: string | null;
  created_at: Timestamp;
  /** inventory-sync.ts: the digest of the last report recorded in full; null: none yet. */
  report_digest: Generated<string | null>;
  /** No new placements (0022-host-maintenance); why, and since when. */
  cordoned: Generated<boolean>;
  cordon_reason: Generated<string | null>;
  cordoned_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface HostDrainsTable {
  host_id: string;
  state: string;
  max_parallel: number;
  started_at: Timestamp;
  updated_at: Timestamp;
  finished_at: Timestamp | null;
  /** Instances that cannot move, each with why: `{ instance, name, reason }`. */
  blocked: JSONColumnType<{ instance: string; name: string; reason: string }[]>;
  message: string | null;
}

export interface RolloutsTable {
  id: string;
  spec_id: string;
  spec_name: string;
  state: string;
  max_unavailable: string;
  canary: number;
  evacuate: boolean;
  /** Every spec as it was before the change (rows as toSpec reads them, in precedence order). */
  before: JSONColumnType<DeviceSpec[]>;
  spec_before: JSONColumnType<DeviceSpec>;
  spec_after: JSONColumnType<DeviceSpec>;
  wave: Generated<number>;
  message: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  finished_at: Timestamp | null;
}

export interface RolloutHostsTable {
  rollout_id: string;
  host_id: string;
  position: number;
  wave: number | null;
  state: string;
  target_generation: number | null;
  errors_before: Generated<number>;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  message: string | null;
  instances: JSONColumnType<string[]>;
}

export interface AllocationRulesTable {
  name: string;
  host: string | null;
  host_labels: JSONColumnType<Record<string, string>>;
  cpu_ratio: number;
  memory_ratio: number;
  reserved_cpus: JSONColumnType<number[]>;
  reserved_memory_mb: number;
  created_at: Timestamp;
}

export interface PfsTable {
  id: Generated<number>;
  host_id: string;
  pci_address: string;
  ifname: string | null;
  vendor_id: string;
  device_id: string;
  driver: string | null;
  total_vfs: number;
  num_vfs: number;
  numa_node: number | null;
  spec_id: string | null;
  /** Set while the governing spec offers the PF whole (migration 0003); the rest as on vfs. */
  physnet: Generated<string | null>;
  state: Generated<string>;
  dirty: Generated<boolean>;
  port_id: Generated<string | null>;
  reserved_until: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  pending_generation: Generated<number>;
  note: Generated<string | null>;
  /** As the agent's last scan reported them (migration 0012); null when it did not. */
  link_state: Generated<string | null>;
  /** Migration 0024: legacy | switchdev as last reported; null when none. */
  eswitch_mode: Generated<string | null>;
  admin_up: Generated<boolean | null>;
  speed_mbps: Generated<number | null>;
  /** Owner of the spec offering the PF whole, with physnet (migration 0014); null when none. */
  owner: Generated<string | null>;
}

export interface VfsTable {
  id: Generated<number>;
  pf_id: number;
  host_id: string;
  vf_index: number;
  pci_address: string;
  numa_node: number | null;
  state: Generated<string>;
  dirty: Generated<boolean>;
  physnet: string | null;
  trusted: Generated<boolean>;
  port_id: string | null;
  reserved_until: Timestamp | null;
  /** Desired generation that carries this VF's latest settings. */
  pending_generation: Generated<number>;
  note: string | null;
  /** A migrating port's VF on the other host (held, not yet or no longer the port's own). */
  migration_port: Generated<string | null>;
  /** As the agent's last scan reported them (migration 0012); null when it did not. */
  driver: Generated<string | null>;
  iommu_group: Generated<number | null>;
  netdev: Generated<string | null>;
  /** `/dev/vhost-vdpa-N` of the VF's vDPA device on vhost_vdpa (migration 0024); null when none. */
  vdpa_dev: Generated<string | null>;
  /** The VF's representor netdev as last reported (migration 0024). */
  representor: Generated<string | null>;
  /** Owner of the spec giving physnet and trust (migration 0014); null when no spec selects it. */
  owner: Generated<string | null>;
}

export interface DeviceSpecsTable {
  id: string;
  name: string;
  vendor: string | null;
  device: string | null;
  driver: string | null;
  pci_address: string | null;
  pf: string | null;
  physnet: string;
  trusted: boolean;
  num_vfs: number;
  vf_driver: string;
  whole_pf: Generated<boolean>;
  /** Migration 0014. */
  owner: Generated<string>;
  /** JSON {egressMbps, ingressMbps}, as written by catalog-store; null when not said. */
  bandwidth: ColumnType<unknown, string | null | undefined, string | null>;
  /** Migration 0024: legacy | switchdev, null = left alone; a vDPA device on every VF. */
  eswitch_mode: Generated<string | null>;
  vdpa: Generated<boolean>;
  created_at: Timestamp;
}

export interface PhysnetsTable {
  name: string;
  vlan_ranges: JSONColumnType<{ min: number; max: number }[]>;
}

export interface NetworksTable {
  id: string;
  name: string;
  tenant: string;
  physnet: string;
  vlan: number;
}

export interface InstancesTable {
  id: string;
  name: string;
  tenant: string;
  host_id: string | null;
  state: string;
  vcpus: number;
  memory_mb: number;
  numa_policy: string;
  numa_node: number | null;
  host_labels: Labels;
  reserved_until: Timestamp | null;
  created_at: Timestamp;
  /** When the reservation lapsed (migration 0006; null before it, and while not expired). */
  expired_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** One Idempotency-Key of POST /v1/instances (migration 0006). */
export interface IdempotencyKeysTable {
  scope: string;
  key: string;
  request_hash: string;
  instance_id: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface PortsTable {
  id: string;
  tenant: string;
  network_id: string;
  instance_id: string | null;
  vnic_type: string;
  /** null for a whole PF's port (migration 0003). */
  mac: string | null;
  trusted: boolean;
  spoofchk: boolean;
  max_tx_rate: number;
  min_tx_rate: number;
  /** Place in the instance request (0 for ports from before migration 0002). */
  position: Generated<number>;
}

export interface TokensTable {
  id: string;
  name: string;
  role: string;
  tenant: string | null;
  host: string | null;
  hash: string;
  domain_policy: Generated<string>;
  created_at: Timestamp;
}

/** Per-tenant overrides (migration 0007): null = the default, -1 = no limit. */
export interface QuotasTable {
  tenant: string;
  instances: number | null;
  vfs: number | null;
  networks: number | null;
  vlans_per_physnet: number | null;
}

/** The event log (migration 0008). */
export interface EventsTable {
  id: Generated<number>;
  at: Timestamp;
  kind: string;
  host_id: string | null;
  tenant: string | null;
  subject: string | null;
  message: string;
  data: JSONColumnType<Record<string, unknown>>;
}

/** One audit record (schema version 0015); before/after never hold a secret. */
export interface AuditLogTable {
  id: Generated<number>;
  at: Timestamp;
  actor_kind: string;
  token_name: string | null;
  token_role: string | null;
  tenant: string | null;
  request_id: string | null;
  action: string;
  method: string | null;
  path: string | null;
  object_type: string | null;
  object_id: string | null;
  object_name: string | null;
  host_id: string | null;
  instance_id: string | null;
  vfs: string[];
  macs: string[];
  before: ColumnType<unknown, string | null, string | null>;
  after: ColumnType<unknown, string | null, string | null>;
  result: string;
  status: number | null;
}

/** A dashboard session (schema version 0011): the cookie secret's sha256, never the secret. */
export interface SessionsTable {
  id: string;
  hash: string;
  token_id: string;
  csrf: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

/** A PF's VFs by capacity cell and bucket, kept by triggers on vfs (migration 0019). */
export interface VfTalliesTable {
  host_id: string;
  pf_id: number;
  physnet: string | null;
  numa_node: number | null;
  handed: boolean;
  total: number;
  free: number;
  reserved: number;
  allocated: number;
  quarantined: number;
  dirty: number;
}

export interface Database extends VmTables, DatapathTables {
  events: EventsTable;
  audit_log: AuditLogTable;
  hosts: HostsTable;
  host_drains: HostDrainsTable;
  allocation_rules: AllocationRulesTable;
  rollouts: RolloutsTable;
  rollout_hosts: RolloutHostsTable;
  pfs: PfsTable;
  vfs: VfsTable;
  vf_tallies: VfTalliesTable;
  device_specs: DeviceSpecsTable;
  physnets: PhysnetsTable;
  networks: NetworksTable;
  instances: InstancesTable;
  ports: PortsTable;
  tokens: TokensTable;
  sessions: SessionsTable;
  idempotency_keys: IdempotencyKeysTable;
  quotas: QuotasTable;
}
