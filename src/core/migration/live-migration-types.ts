import type { ErrorCode } from '../errors.js';
import type { ClaimedVf, HostNumaNode, DomainRequest } from '../libvirt/domain-request.js';
import type { MigrationMode } from './live-migration-target.js';
import type { LiveMigrationView } from './live-migration-view.js';

/**
 * Live migration of an instance with `direct` (VF) ports, as explicit steps
 * each with a compensation (docs/libvirt.md, "Live migration"): the plan,
 * and the report of how it ended. The state machine that runs a plan is in
 * live-migration-machine.ts; its effects (live-migration-effects.ts) are
 * what the controller and the hosts' agents do.
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

export interface StepError {
  readonly code: ErrorCode;
  readonly message: string;
}

export interface StepRecord extends LiveMigrationStep {
  readonly status: 'done' | 'failed' | 'not-run';
  /**
   * What the rollback did with a done step; null when there was no rollback.
   * `not-undone`: the rollback stopped at an earlier failure before reaching it.
   */
  readonly rollback: 'undone' | 'undo-failed' | 'not-undone' | 'nothing-to-undo' | null;
  readonly error: StepError | null;
  readonly rollbackError: StepError | null;
}

export interface LiveMigrationReport {
  /** `render-only`: no VM ran; the domain definition and the VF ports moved. */
  readonly mode: MigrationMode;
  readonly instance: string;
  readonly source: string;
  readonly target: string;
  /**
   * `completed`: runs on the target with its VFs. `rolled-back`: back as it
   * was on the source. `rollback-incomplete`: a compensation failed; `final`
   * says what is where and `attention` what to do.
   */
  readonly outcome: 'completed' | 'rolled-back' | 'rollback-incomplete';
  readonly needsAttention: boolean;
  readonly attention: readonly string[];
  /** The transaction step whose failure caused the rollback. */
  readonly failedStep: string | null;
  readonly error: StepError | null;
  readonly steps: readonly StepRecord[];
  readonly final: LiveMigrationView;
}
