import type { DeviceScope } from '../libvirt/hypervisor-driver.js';
import type { ClaimedVf, HostNumaNode, DomainRequest } from '../libvirt/domain-request.js';
import type { MigrationMode } from './live-migration-target.js';

/**
 * Live migration of an instance with `direct` (VF) ports, as explicit steps
 * each with a compensation (docs/libvirt.md, "Live migration"). These are the
 * inputs and the outside world the executor needs, and no more: the
 * controller implements `LiveMigrationPorts` over its VF claims and each host's
 * HypervisorDriver (`hypervisorMigrationPorts`).
 */

export interface LiveMigrationHost {
  readonly id: string;
  /**
   * libvirt URI the other host reaches this one at (`qemu+ssh://host-b/system`);
   * empty between render-only hosts (nothing connects).
   */
  readonly uri: string;
}

export interface MigrationRequest {
  /** The instance as defined on the source: its `direct` ports carry the source VFs. */
  readonly instance: DomainRequest;
  readonly source: LiveMigrationHost;
  readonly target: LiveMigrationHost;
  /** The target's NUMA nodes: the reserved VFs are checked against the instance's policy there. */
  readonly targetNuma: readonly HostNumaNode[];
  /**
   * `live` (default): libvirt on both hosts. `render-only`: neither host has
   * libvirt; the definition moves (defined on the target with its VFs,
   * removed from the source) and no device is hot-plugged: no VM runs.
   */
  readonly mode?: MigrationMode;
}

export interface VfReservationRequest {
  readonly instance: string;
  readonly portId: string;
  readonly host: LiveMigrationHost;
  /** NUMA node of the VF the port has now; the target VF should be on a node the policy accepts. */
  readonly numaNode: number | null;
}

export interface VfHold {
  readonly host: LiveMigrationHost;
  readonly portId: string;
  readonly vf: ClaimedVf;
}

export interface DeviceChange {
  readonly host: LiveMigrationHost;
  readonly domain: string;
  readonly portId: string;
  readonly deviceXml: string;
  readonly scope: DeviceScope;
}

export interface MigrateCall {
  readonly domain: string;
  readonly from: LiveMigrationHost;
  readonly to: LiveMigrationHost;
  /**
   * Render-only moves only: the whole domain XML as `to` defines it (its own
   * VFs and NUMA nodes). A live migration carries the running definition.
   */
  readonly domainXml?: string;
}

/**
 * What the executor asks of the fleet. Contract: a call that rejects has
 * changed nothing (the executor never compensates a step that failed), so an
 * implementation waits for what it started (device removal, migration end)
 * before it answers.
 */
export interface LiveMigrationPorts {
  /** Holds a free VF on `host` for the port (same physnet); reserved, not yet the port's. */
  reserveVf(req: VfReservationRequest): Promise<ClaimedVf>;
  /** Makes a reserved VF the port's for good (reserved → allocated). */
  confirmVf(hold: VfHold): Promise<void>;
  /** Gives back a VF held for the port, reserved or allocated, to be reset and offered again. */
  releaseVf(hold: VfHold): Promise<void>;
  /** Resolves once the device is gone from the domain in `scope`. */
  detachDevice(change: DeviceChange): Promise<void>;
  attachDevice(change: DeviceChange): Promise<void>;
  /**
   * Live migration; rejects only while the domain still runs on `from`.
   * Render-only: defines `domainXml` on `to`, then removes it from `from`.
   */
  migrate(call: MigrateCall): Promise<void>;
}

export const MIGRATION_STEP_KINDS = [
  'reserve-target-vf',
  'check-target-vfs',
  'detach-source-vf',
  'migrate',
  'attach-target-vf',
  'confirm-target-vf',
  'release-source-vf',
] as const;
export type MigrationStepKind = (typeof MIGRATION_STEP_KINDS)[number];

export interface LiveMigrationStep {
  /** `<kind>` or `<kind>:<portId>`; unique within a plan. */
  readonly id: string;
  readonly kind: MigrationStepKind;
  readonly portId: string | null;
  /**
   * `transaction`: a failure rolls every done step back. `cleanup`: after the
   * point of no return (the instance runs on the target with its VFs); a
   * failure leaves the migration done and asks for an operator.
   */
  readonly phase: 'transaction' | 'cleanup';
}

/** One `direct` port as the plan moves it. */
export interface MigratingPort {
  readonly portId: string;
  readonly mac: string;
  readonly vlan: number;
  readonly sourceVf: ClaimedVf;
  /** The device XML on the source (`detach-device`, and `attach-device` on rollback). */
  readonly sourceDeviceXml: string;
  /** The virtio NIC of the failover pair, when the port has one: the guest keeps its link. */
  readonly standbyId: string | null;
}

export interface LiveMigrationPlan {
  readonly request: MigrationRequest;
  readonly mode: MigrationMode;
  readonly ports: readonly MigratingPort[];
  readonly steps: readonly LiveMigrationStep[];
}
