import type { ClaimedVf, DomainRequest } from '../libvirt/domain-request.js';
import type { LiveMigrationPlan } from './live-migration-types.js';

/**
 * Where everything is, as far as the state machine knows: updated after each
 * effect that succeeded (forward or compensation), so after a failed rollback
 * it says exactly what is held and attached where. The controller persists it.
 */
export interface PortPlacement {
  readonly portId: string;
  readonly source: {
    readonly address: string | null;
    /** The port still holds its source VF (not released). */
    readonly held: boolean;
    /** The source VF is in the domain on the source host. */
    readonly attached: boolean;
  };
  readonly target: {
    readonly vf: ClaimedVf | null;
    readonly hold: 'none' | 'reserved' | 'allocated';
    readonly attached: boolean;
  };
}

export interface LiveMigrationView {
  /** The host the domain runs on. */
  readonly domainOn: 'source' | 'target';
  readonly ports: readonly PortPlacement[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };
export type MutableView = Mutable<LiveMigrationView> & { ports: Mutable<PortPlacement>[] };

export function initialView(plan: LiveMigrationPlan): MutableView {
  return {
    domainOn: 'source',
    ports: plan.ports.map((p) => ({
      portId: p.portId,
      source: { address: p.sourceVf.pciAddress, held: true, attached: true },
      target: { vf: null, hold: 'none', attached: false },
    })),
  };
}

export function portView(view: MutableView, portId: string | null): Mutable<PortPlacement> {
  const p = view.ports.find((x) => x.portId === portId);
  if (p === undefined) throw new Error(`no migrating port ${String(portId)}`);
  return p;
}

/**
 * The instance as it will be on the target: the reserved VFs in its direct
 * ports, the target's NUMA nodes, no dedicated CPUs (those were the source's).
 */
export function targetDomainRequestOf(
  plan: LiveMigrationPlan,
  view: LiveMigrationView,
): DomainRequest {
  const { instance, targetNuma } = plan.request;
  const { name, uuid, vcpus, memoryMb, numaPolicy, base } = instance;
  const ports = instance.ports.map((p) => {
    if (p.vnicType !== 'direct') return p;
    const vf = view.ports.find((v) => v.portId === p.id)?.target.vf ?? null;
    return vf === null ? p : { ...p, vf };
  });
  const id = uuid === undefined ? {} : { uuid };
  // The domain policy travels: the target renders (and its agent checks) the same rules.
  const policy = instance.policy === undefined ? {} : { policy: instance.policy };
  // The seed CD-ROM too: the target's agent writes the file (the task carries the seed).
  const seed = instance.seedIso === undefined ? {} : { seedIso: instance.seedIso };
  return {
    name,
    ...id,
    ...policy,
    ...seed,
    vcpus,
    memoryMb,
    numaPolicy,
    base,
    hostNuma: targetNuma,
    ports,
  };
}
