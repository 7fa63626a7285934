import type { z } from '@hono/zod-openapi';
import type { capacitySchema } from '../../api/schemas/capacity.js';
import type { ControllerDeps } from '../controller-deps.js';

/**
 * `GET /v1/capacity`: hosts by health and readiness (health as the host
 * list shows it, from the same stale threshold) and VFs by state per
 * physnet and per physnet and NUMA node.
 */
export async function fleetCapacity(deps: ControllerDeps): Promise<z.infer<typeof capacitySchema>> {
  const staleBefore = new Date(deps.now() - deps.config.staleAfterMs).toISOString();
  const c = await deps.store.hosts.capacity(staleBefore);
  return {
    hosts: { ...c.hosts, byHealth: { ...c.hosts.byHealth } },
    physnets: c.physnets.map((p) => ({ ...p })),
    numaNodes: c.numaNodes.map((n) => ({ ...n })),
  };
}
