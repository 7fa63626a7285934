import type { LiveMigrationPlan } from './live-migration-types.js';
import type { LiveMigrationView } from './live-migration-view.js';

/**
 * Plain sentences for an operator after a rollback stopped half-way: where
 * the domain runs and, per port, which VF is held and attached where. Nothing
 * here is released automatically: a VF may still be in use.
 */
export function describeView(plan: LiveMigrationPlan, view: LiveMigrationView): string[] {
  const { source, target, instance } = plan.request;
  const on = view.domainOn === 'source' ? source.id : target.id;
  const lines = [
    plan.mode === 'live'
      ? `instance ${instance.name} runs on ${on}`
      : `instance ${instance.name}'s domain is defined on ${on} (render-only: no VM runs)`,
  ];
  for (const p of view.ports) {
    const parts: string[] = [];
    if (p.source.held) {
      parts.push(
        `source VF ${p.source.address ?? '?'} on ${source.id} held, ` +
          (p.source.attached ? 'attached' : 'not attached'),
      );
    }
    if (p.target.hold !== 'none') {
      parts.push(
        `target VF ${p.target.vf?.pciAddress ?? '?'} on ${target.id} ${p.target.hold}, ` +
          (p.target.attached ? 'attached' : 'not attached'),
      );
    }
    lines.push(`port ${p.portId}: ${parts.length > 0 ? parts.join('; ') : 'no VF held'}`);
  }
  return lines;
}
