import type { z } from '@hono/zod-openapi';
import type { allocationRuleSchema, hostDrainSchema } from '../api/schemas/host-maintenance.js';
import type { AllocationRule } from '../core/fleet/allocation.js';
import type { HostDrain } from '../core/fleet/maintenance-store.js';

/** A drain as the API answers it: a copy, field by field. */
export const drainOut = (d: HostDrain): z.infer<typeof hostDrainSchema> => ({
  host: d.host,
  state: d.state,
  maxParallel: d.maxParallel,
  startedAt: d.startedAt,
  updatedAt: d.updatedAt,
  finishedAt: d.finishedAt,
  blocked: d.blocked.map((b) => ({ instance: b.instance, name: b.name, reason: b.reason })),
  message: d.message,
});

export const allocationRuleOut = (r: AllocationRule): z.infer<typeof allocationRuleSchema> => ({
  name: r.name,
  host: r.host,
  hostLabels: { ...r.hostLabels },
  cpuRatio: r.cpuRatio,
  memoryRatio: r.memoryRatio,
  reservedCpus: [...r.reservedCpus],
  reservedMemoryMb: r.reservedMemoryMb,
  createdAt: r.createdAt,
});
