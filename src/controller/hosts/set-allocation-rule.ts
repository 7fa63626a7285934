import type { z } from '@hono/zod-openapi';
import type { allocationRuleBodySchema } from '../../api/schemas/host-maintenance.js';
import type { AllocationRule } from '../../core/fleet/allocation.js';
import type { ControllerDeps } from '../controller-deps.js';

/**
 * `PUT /v1/allocation-rules/{name}`: creates or replaces the rule; a
 * replaced rule keeps its age, so its place among rules of equal
 * specificity. Capacity is counted from rules when a scheduler reads a host
 * and again under the claim's host lock, so no host is re-written here:
 * instances already placed stay, even where a rule now promises less.
 */
export async function setAllocationRule(
  deps: ControllerDeps,
  name: string,
  b: z.infer<typeof allocationRuleBodySchema>,
): Promise<AllocationRule> {
  const old = (await deps.store.maintenance.allocationRules()).find((r) => r.name === name);
  return deps.store.maintenance.setAllocationRule({
    name,
    host: b.host ?? null,
    hostLabels: b.hostLabels ?? {},
    cpuRatio: b.cpuRatio,
    memoryRatio: b.memoryRatio,
    reservedCpus: b.reservedCpus ?? [],
    reservedMemoryMb: b.reservedMemoryMb,
    createdAt: old?.createdAt ?? new Date(deps.now()).toISOString(),
  });
}
