import type { LiveMigrationReport } from '../migration/live-migration-types.js';
import type { ProgressEvent } from '../ports.js';
import type { LiveMigrationStore } from './live-migration-store.js';
import type { Page, PageQuery } from './page.js';
import type { DomainTaskOp } from '../libvirt/domain-task-ops.js';
import type { HypervisorKind } from '../libvirt/hypervisor-facts.js';
import type { HostRenderFacts } from './host-render-facts.js';
import type { VmBoot, VmDesired, VmState } from './vm-domain.js';

/**
 * Storage for the VMs of instances (Kysely style, implemented in src/adapters/store):
 * the facts each host reported for rendering, the domain of each booted
 * instance, hypervisor tasks for agents, and live migrations. Every method
 * that changes what an agent must do bumps that host's desired generation.
 */
export interface VmRecord {
  readonly instanceId: string;
  readonly boot: VmBoot;
  /** What the controller wants: the domain running, or gone (the instance is being deleted). */
  readonly desired: VmDesired;
  /** What the agent last reported; null before its first report. */
  readonly state: VmState | null;
  readonly message: string | null;
  readonly hypervisor: HypervisorKind | null;
  readonly updatedAt: string;
}

export interface VmResult {
  readonly instanceId: string;
  readonly state: VmState;
  readonly message: string | null;
  readonly hypervisor: HypervisorKind;
}

export interface VmTask {
  readonly id: string;
  readonly hostId: string;
  readonly instanceId: string | null;
  readonly op: DomainTaskOp;
  readonly args: Readonly<Record<string, unknown>>;
  readonly state: 'pending' | 'done' | 'failed';
  readonly message: string | null;
  /** When it was handed out (its time limit counts from here); absent on tasks not read from the store. */
  readonly createdAt?: string;
}

export const MIGRATION_STATES = ['running', 'done', 'rolled-back', 'needs-attention'] as const;
export type MigrationState = (typeof MIGRATION_STATES)[number];

export interface MigrationRecord {
  readonly id: string;
  readonly instanceId: string;
  readonly source: string;
  readonly target: string;
  readonly state: MigrationState;
  /** Progress events as steps start and end; once finished, with the state machine's report. */
  readonly report:
    (Partial<LiveMigrationReport> & { readonly progress: readonly ProgressEvent[] }) | null;
  readonly createdAt: string;
  readonly finishedAt: string | null;
}

/** A VF taken on another host for a migrating port. */
export interface HeldVf {
  readonly hostId: string;
  readonly pciAddress: string;
}

/** What the agent's last IRQ pinning of VF host netdevs did (`vfleet host pin-irqs`). */
export interface IrqPinSummary {
  readonly changed: number;
  readonly alreadyRight: number;
  readonly failed: number;
  readonly skipped: number;
  /** One line per vector that changed or failed: `<vf> irq <n> -> <cpus>` or why not. */
  readonly lines: readonly string[];
  readonly at: string;
}

export interface VmStore extends LiveMigrationStore {
  facts(hostId: string): Promise<HostRenderFacts | null>;
  irqPins(hostId: string): Promise<IrqPinSummary | null>;
  create(instanceId: string, boot: VmBoot, now: string): Promise<void>;
  get(instanceId: string): Promise<VmRecord | null>;
  /**
   * The domains agents manage: instances on each host with a VM and no
   * migration running, in creation order (a host with none is absent).
   */
  forHosts(hostIds: readonly string[]): Promise<ReadonlyMap<string, readonly VmRecord[]>>;
  /** The domain is to go; the instance is released once the agent reports it gone. */
  requestDelete(instanceId: string, now: string): Promise<void>;
  /** Records the agent's results; returns the instances whose domain is now gone as asked. */
  recordResults(hostId: string, results: readonly VmResult[], now: string): Promise<string[]>;

  addTask(task: Omit<VmTask, 'state' | 'message'>, now: string): Promise<void>;
  /** Each host's pending tasks, oldest first (a host with none is absent). */
  pendingTasks(hostIds: readonly string[]): Promise<ReadonlyMap<string, readonly VmTask[]>>;
  /** false when no such pending task of that host exists. */
  finishTask(
    hostId: string,
    id: string,
    ok: boolean,
    message: string | null,
    now: string,
  ): Promise<boolean>;
  getTask(id: string): Promise<VmTask | null>;

  /** A free clean VF on `hostId` for the port (its physnet and trust), on `numaNode` when possible. */
  holdVf(portId: string, hostId: string, numaNode: number | null): Promise<HeldVf | null>;
  /** The held VF becomes the port's; the one it had stays held until released. */
  swapVf(portId: string, to: HeldVf): Promise<void>;
  /** Lets a VF held or owned by the port go (free, dirty until the agent resets it). */
  dropVf(portId: string, vf: HeldVf): Promise<void>;
  migrations(instanceId: string): Promise<MigrationRecord[]>;
  /** One page of an instance's migrations, newest first. */
  pageMigrations(instanceId: string, q: PageQuery): Promise<Page<MigrationRecord>>;
}
