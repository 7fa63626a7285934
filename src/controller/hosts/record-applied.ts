import type { z } from '@hono/zod-openapi';
import type { Host } from '../../core/fleet/model.js';
import { appliedProblems, refuseProblems } from '../../core/fleet/report-checks.js';
import { shownVmState } from '../../core/fleet/vm-domain.js';
import type { appliedSchema } from '../../api/schemas/agent.js';
import type { ControllerDeps } from '../controller-deps.js';
import { deleted } from '../instances/delete-instance.js';

type Applied = z.infer<typeof appliedSchema>;

/**
 * `POST /v1/agent/hosts/{id}/applied`: what the agent applied. Records the
 * host's generation, IRQ pins and domain results; an instance whose domain
 * is gone as asked has its VFs released (for reset) and a deleted event,
 * all in one transaction.
 */
export async function recordApplied(deps: ControllerDeps, id: string, b: Applied): Promise<Host> {
  refuseProblems(appliedProblems(b), 'apply result');
  const now = new Date(deps.now()).toISOString();
  const why = `host ${id} removed its domain; its VFs are released for reset`;
  return deps.store.hosts.applied(
    id,
    b,
    {
      irqs: b.irqs === undefined ? undefined : { ...b.irqs, at: now },
      // Stored as shown: a render-only host's "running" domain is only rendered.
      results: b.domains.map((d) => ({ ...d, state: shownVmState(d.state, d.hypervisor) })),
      goneEvents: (inst) => [deleted(inst, why)],
    },
    now,
  );
}
