import { VfleetError } from '../errors.js';
import { renderDeviceXml, renderDomainXml } from '../libvirt/render-domain.js';
import type { DomainRequest } from '../libvirt/domain-request.js';
import type {
  LiveMigrationPlan,
  LiveMigrationPorts,
  LiveMigrationStep,
} from './live-migration-types.js';
import { portView, type LiveMigrationView, type MutableView } from './live-migration-view.js';

/**
 * What each step does and how it is undone. Both update the view only after
 * the port call succeeded, so the view never claims what did not happen.
 */
export interface StepContext {
  readonly plan: LiveMigrationPlan;
  readonly ports: LiveMigrationPorts;
  readonly view: MutableView;
  /** Device XML of the target VFs, by port id (from `check-target-vfs`). */
  readonly targetXml: Map<string, string>;
}

type StepFn = (ctx: StepContext, step: LiveMigrationStep) => Promise<void>;

export interface StepBehaviour {
  readonly run: StepFn;
  /** null: nothing to undo (a pure check, or undone by an earlier step's compensation). */
  readonly undo: StepFn | null;
}

/** Live and persistent: a rolled-back source keeps its VF across a restart too. */
const BOTH = { live: true, config: true } as const;

const migrating = (ctx: StepContext, step: LiveMigrationStep) => {
  const m = ctx.plan.ports.find((p) => p.portId === step.portId);
  if (m === undefined) throw new VfleetError('INTERNAL', `step ${step.id} names no migrating port`);
  return { m, v: portView(ctx.view, step.portId) };
};

const targetVfOf = (ctx: StepContext, step: LiveMigrationStep) => {
  const { v } = migrating(ctx, step);
  if (v.target.vf === null) throw new VfleetError('INTERNAL', `step ${step.id}: no target VF`);
  return v.target.vf;
};

const targetXmlOf = (ctx: StepContext, step: LiveMigrationStep): string => {
  const xml = ctx.targetXml.get(step.portId ?? '');
  if (xml === undefined) throw new VfleetError('INTERNAL', `step ${step.id}: no target device`);
  return xml;
};

/** The target VF's device change: attached by the step, detached by its undo. */
const targetDevice = (ctx: StepContext, step: LiveMigrationStep) => ({
  host: host(ctx, 'target'),
  domain: domain(ctx),
  portId: step.portId ?? '',
  deviceXml: targetXmlOf(ctx, step),
  scope: BOTH,
});

/**
 * The instance as it will be on the target: the reserved VFs in its direct
 * ports, the target's NUMA nodes, no dedicated CPUs (those were the source's).
 */
function targetRequest(ctx: StepContext): DomainRequest {
  return targetDomainRequestOf(ctx.plan, ctx.view);
}

/** `targetRequest` from the plan and where things are (the persisted live migration uses it too). */
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
  return { name, ...id, ...policy, vcpus, memoryMb, numaPolicy, base, hostNuma: targetNuma, ports };
}

const host = (ctx: StepContext, side: 'source' | 'target') => ctx.plan.request[side];

/** Where a render-only definition (with its VFs in it) now is. */
function moveDefinition(ctx: StepContext, to: 'source' | 'target'): void {
  for (const p of ctx.view.ports) {
    p.source.attached = to === 'source';
    p.target.attached = to === 'target';
  }
}
const domain = (ctx: StepContext) => ctx.plan.request.instance.name;

export const STEPS: Readonly<Record<LiveMigrationStep['kind'], StepBehaviour>> = {
  'reserve-target-vf': {
    async run(ctx, step) {
      const { m, v } = migrating(ctx, step);
      const vf = await ctx.ports.reserveVf({
        instance: domain(ctx),
        portId: m.portId,
        host: host(ctx, 'target'),
        numaNode: m.sourceVf.numaNode,
      });
      v.target = { vf, hold: 'reserved', attached: false };
    },
    async undo(ctx, step) {
      const vf = targetVfOf(ctx, step);
      await ctx.ports.releaseVf({ host: host(ctx, 'target'), portId: step.portId ?? '', vf });
      migrating(ctx, step).v.target = { vf: null, hold: 'none', attached: false };
    },
  },
  'check-target-vfs': {
    // Same checks as a boot (address known, vfio-capable, NUMA policy on the target).
    run(ctx) {
      const w = targetRequest(ctx);
      for (const p of ctx.plan.ports) ctx.targetXml.set(p.portId, renderDeviceXml(w, p.portId));
      return Promise.resolve();
    },
    undo: null,
  },
  'detach-source-vf': {
    async run(ctx, step) {
      const { m, v } = migrating(ctx, step);
      await ctx.ports.detachDevice({
        host: host(ctx, 'source'),
        domain: domain(ctx),
        portId: m.portId,
        deviceXml: m.sourceDeviceXml,
        scope: BOTH,
      });
      v.source.attached = false;
    },
    async undo(ctx, step) {
      const { m, v } = migrating(ctx, step);
      await ctx.ports.attachDevice({
        host: host(ctx, 'source'),
        domain: domain(ctx),
        portId: m.portId,
        deviceXml: m.sourceDeviceXml,
        scope: BOTH,
      });
      v.source.attached = true;
    },
  },
  migrate: {
    async run(ctx) {
      const xml =
        ctx.plan.mode === 'live' ? {} : { domainXml: renderDomainXml(targetRequest(ctx)).xml };
      await ctx.ports.migrate({
        domain: domain(ctx),
        from: host(ctx, 'source'),
        to: host(ctx, 'target'),
        ...xml,
      });
      // Render-only: the definition moved, the target VFs in it and the source VFs out of it.
      if (ctx.plan.mode !== 'live') moveDefinition(ctx, 'target');
      ctx.view.domainOn = 'target';
    },
    async undo(ctx) {
      // Back as the source agent defined it: the instance as it was, with its source VFs.
      const xml =
        ctx.plan.mode === 'live'
          ? {}
          : { domainXml: renderDomainXml(ctx.plan.request.instance).xml };
      await ctx.ports.migrate({
        domain: domain(ctx),
        from: host(ctx, 'target'),
        to: host(ctx, 'source'),
        ...xml,
      });
      if (ctx.plan.mode !== 'live') moveDefinition(ctx, 'source');
      ctx.view.domainOn = 'source';
    },
  },
  'attach-target-vf': {
    async run(ctx, step) {
      await ctx.ports.attachDevice(targetDevice(ctx, step));
      migrating(ctx, step).v.target.attached = true;
    },
    async undo(ctx, step) {
      await ctx.ports.detachDevice(targetDevice(ctx, step));
      migrating(ctx, step).v.target.attached = false;
    },
  },
  'confirm-target-vf': {
    async run(ctx, step) {
      const vf = targetVfOf(ctx, step);
      await ctx.ports.confirmVf({ host: host(ctx, 'target'), portId: step.portId ?? '', vf });
      migrating(ctx, step).v.target.hold = 'allocated';
    },
    // Releasing the target VF (the reservation's compensation) frees it whatever its hold.
    undo: null,
  },
  'release-source-vf': {
    async run(ctx, step) {
      const { m, v } = migrating(ctx, step);
      await ctx.ports.releaseVf({ host: host(ctx, 'source'), portId: m.portId, vf: m.sourceVf });
      v.source.held = false;
    },
    undo: null,
  },
};
