import { VfleetError } from '../errors.js';
import { renderDeviceXml, renderDomainXml } from '../libvirt/render-domain.js';
import type { ClaimedVf, DomainPolicy } from '../libvirt/domain-request.js';
import type { DomainTaskOp } from '../libvirt/domain-task-ops.js';
import type { GuestSeed } from '../libvirt/seed-disk.js';
import type {
  LiveMigrationHost,
  LiveMigrationPlan,
  LiveMigrationStep,
} from './live-migration-types.js';
import { portView, targetDomainRequestOf, type MutableView } from './live-migration-view.js';

/**
 * What one step of a persisted live migration asks of the world, as data:
 * a VF claim the controller makes in its store, or a task a host's agent
 * runs. Each step and its compensation (docs/libvirt.md) is cut where a
 * controller may die: every effect is written down before it is made, and
 * its answer after.
 */
export type LiveEffect =
  | {
      readonly kind: 'reserve-vf';
      readonly portId: string;
      readonly hostId: string;
      readonly numaNode: number | null;
    }
  | {
      readonly kind: 'confirm-vf' | 'release-vf';
      readonly portId: string;
      readonly hostId: string;
      readonly pciAddress: string;
    }
  | {
      readonly kind: 'task';
      /** Numbers the migration's tasks: the controller names the task row by it, so a retry finds it. */
      readonly seq: number;
      readonly hostId: string;
      readonly op: DomainTaskOp;
      readonly args: Readonly<Record<string, unknown>>;
      /** Which time limit applies: device changes and definitions, or the migration itself. */
      readonly limit: 'device' | 'migrate';
    };

export type EffectSpec = LiveEffect extends infer E
  ? E extends { kind: 'task' }
    ? Omit<E, 'seq'>
    : E
  : never;

export interface StepErrorData {
  readonly code: VfleetError['code'];
  readonly message: string;
}

/** A reservation answers with the VF taken; the other effects only with success. */
export type LiveAnswer =
  | { readonly ok: true; readonly vf?: ClaimedVf }
  | { readonly ok: false; readonly error: StepErrorData };

/** What the agent needs besides the plan: who the domain belongs to and the rules it was booted under. */
export interface LiveMigrationOwner {
  readonly instanceId: string;
  readonly policy: DomainPolicy;
  /**
   * The cloud-init seed (boot.guestConfig): a render-only `define-domain`
   * carries it, so the target's agent writes the CD-ROM's file before it
   * checks and defines the domain that names it.
   */
  readonly seed?: GuestSeed;
}

export interface EffectContext {
  readonly plan: LiveMigrationPlan;
  readonly owner: LiveMigrationOwner;
  readonly view: MutableView;
  readonly targetXml: Record<string, string>;
}

/** One effect of a step and what its success changes in the view. */
export interface StepAction {
  readonly effect: EffectSpec;
  applied(answer: LiveAnswer): void;
}

/**
 * A step (or its compensation) at `part`: an action, `inline` (pure work
 * done at once, which may throw), or null (nothing to do). Render-only
 * `migrate` has parts: 0 defines on the destination, 1 removes from the
 * origin, 2 (after 1 failed) removes the new definition again.
 */
export type StepWork = StepAction | { readonly inline: () => void } | null;

/** Live and persistent: a rolled-back source keeps its VF across a restart too. */
const BOTH = { live: true, config: true } as const;

const side = (c: EffectContext, s: 'source' | 'target'): LiveMigrationHost => c.plan.request[s];
const domain = (c: EffectContext) => c.plan.request.instance.name;

function migrating(c: EffectContext, step: LiveMigrationStep) {
  const m = c.plan.ports.find((p) => p.portId === step.portId);
  if (m === undefined) throw new VfleetError('INTERNAL', `step ${step.id} names no migrating port`);
  return { m, v: portView(c.view, step.portId) };
}

function targetVf(c: EffectContext, step: LiveMigrationStep): ClaimedVf {
  const { v } = migrating(c, step);
  if (v.target.vf === null) throw new VfleetError('INTERNAL', `step ${step.id}: no target VF`);
  return v.target.vf;
}

const task = (
  host: LiveMigrationHost,
  op: DomainTaskOp,
  args: Record<string, unknown>,
  limit: 'device' | 'migrate' = 'device',
): EffectSpec => ({ kind: 'task', hostId: host.id, op, args, limit });

const device = (c: EffectContext, host: LiveMigrationHost, op: DomainTaskOp, xml: string) =>
  task(host, op, { domain: domain(c), xml, scope: BOTH });

const noHotPlug = () => {
  throw new VfleetError('INTERNAL', 'a render-only move hot-plugs no device: no VM runs');
};

function moveDefinition(c: EffectContext, to: 'source' | 'target'): void {
  for (const p of c.view.ports) {
    p.source.attached = to === 'source';
    p.target.attached = to === 'target';
  }
}

/** `migrate` towards `to`: one live migration task, or the render-only parts. */
function migrateWork(c: EffectContext, to: 'source' | 'target', part: number): StepWork {
  const from = to === 'target' ? 'source' : 'target';
  const arrived = () => {
    if (c.plan.mode !== 'live') moveDefinition(c, to);
    c.view.domainOn = to;
  };
  if (c.plan.mode === 'live') {
    const args = { domain: domain(c), targetUri: side(c, to).uri };
    return { effect: task(side(c, from), 'migrate', args, 'migrate'), applied: arrived };
  }
  if (part === 0) {
    // Back on the source as its agent defined it; on the target with the target's VFs.
    const w = to === 'target' ? targetDomainRequestOf(c.plan, c.view) : c.plan.request.instance;
    const args = { domain: domain(c), xml: renderDomainXml(w).xml, ...c.owner };
    return { effect: task(side(c, to), 'define-domain', args), applied: () => undefined };
  }
  const gone = task(side(c, part === 1 ? from : to), 'undefine-domain', { domain: domain(c) });
  return { effect: gone, applied: part === 1 ? arrived : () => undefined };
}

/** The work of running `step`. */
export function runWork(c: EffectContext, step: LiveMigrationStep, part: number): StepWork {
  const target = side(c, 'target');
  const source = side(c, 'source');
  switch (step.kind) {
    case 'reserve-target-vf': {
      const { m, v } = migrating(c, step);
      return {
        effect: {
          kind: 'reserve-vf',
          portId: m.portId,
          hostId: target.id,
          numaNode: m.sourceVf.numaNode,
        },
        applied: (a) => {
          if (!a.ok || a.vf === undefined)
            throw new VfleetError('INTERNAL', 'a reservation without a VF');
          v.target = { vf: a.vf, hold: 'reserved', attached: false };
        },
      };
    }
    case 'check-target-vfs':
      // Same checks as a boot (address known, vfio-capable, NUMA policy on the target).
      return {
        inline: () => {
          const w = targetDomainRequestOf(c.plan, c.view);
          for (const p of c.plan.ports) c.targetXml[p.portId] = renderDeviceXml(w, p.portId);
        },
      };
    case 'detach-source-vf': {
      if (c.plan.mode !== 'live') return { inline: noHotPlug };
      const { m, v } = migrating(c, step);
      return {
        effect: device(c, source, 'detach-device', m.sourceDeviceXml),
        applied: () => (v.source.attached = false),
      };
    }
    case 'migrate':
      return migrateWork(c, 'target', part);
    case 'attach-target-vf': {
      if (c.plan.mode !== 'live') return { inline: noHotPlug };
      const { v } = migrating(c, step);
      return {
        effect: device(c, target, 'attach-device', targetXmlOf(c, step)),
        applied: () => (v.target.attached = true),
      };
    }
    case 'confirm-target-vf': {
      const { v } = migrating(c, step);
      const pciAddress = targetVf(c, step).pciAddress ?? '';
      return {
        effect: { kind: 'confirm-vf', portId: step.portId ?? '', hostId: target.id, pciAddress },
        applied: () => (v.target.hold = 'allocated'),
      };
    }
    case 'release-source-vf': {
      const { m, v } = migrating(c, step);
      const pciAddress = m.sourceVf.pciAddress ?? '';
      return {
        effect: { kind: 'release-vf', portId: m.portId, hostId: source.id, pciAddress },
        applied: () => (v.source.held = false),
      };
    }
  }
}

/** The work of undoing a done `step`; null: nothing to undo. */
export function undoWork(c: EffectContext, step: LiveMigrationStep, part: number): StepWork {
  const target = side(c, 'target');
  switch (step.kind) {
    case 'reserve-target-vf': {
      const pciAddress = targetVf(c, step).pciAddress ?? '';
      const { v } = migrating(c, step);
      return {
        effect: { kind: 'release-vf', portId: step.portId ?? '', hostId: target.id, pciAddress },
        applied: () => (v.target = { vf: null, hold: 'none', attached: false }),
      };
    }
    case 'detach-source-vf': {
      const { m, v } = migrating(c, step);
      return {
        effect: device(c, side(c, 'source'), 'attach-device', m.sourceDeviceXml),
        applied: () => (v.source.attached = true),
      };
    }
    case 'migrate':
      return migrateWork(c, 'source', part);
    case 'attach-target-vf': {
      const { v } = migrating(c, step);
      return {
        effect: device(c, target, 'detach-device', targetXmlOf(c, step)),
        applied: () => (v.target.attached = false),
      };
    }
    // Releasing the target VF (the reservation's compensation) frees it whatever its hold.
    case 'confirm-target-vf':
    case 'check-target-vfs':
    case 'release-source-vf':
      return null;
  }
}

/** Whether a step has a compensation at all (decided by kind, before any part is looked at). */
export const UNDOABLE: ReadonlySet<LiveMigrationStep['kind']> = new Set([
  'reserve-target-vf',
  'detach-source-vf',
  'migrate',
  'attach-target-vf',
]);

function targetXmlOf(c: EffectContext, step: LiveMigrationStep): string {
  const xml = c.targetXml[step.portId ?? ''];
  if (xml === undefined) throw new VfleetError('INTERNAL', `step ${step.id}: no target device`);
  return xml;
}
