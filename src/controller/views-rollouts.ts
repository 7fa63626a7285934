import type { z } from '@hono/zod-openapi';
import type { rolloutDetailSchema, rolloutSchema } from '../api/schemas/rollouts.js';
import { ROLLOUT_HOST_STATES } from '../core/fleet/rollout.js';
import type { Rollout, RolloutHost } from '../core/fleet/rollout-store.js';

export function rolloutOut(
  r: Rollout,
  hosts: readonly RolloutHost[],
): z.infer<typeof rolloutSchema> {
  const counts = Object.fromEntries(ROLLOUT_HOST_STATES.map((s) => [s, 0])) as Record<
    (typeof ROLLOUT_HOST_STATES)[number],
    number
  >;
  for (const h of hosts) counts[h.state]++;
  return {
    id: r.id,
    spec: r.spec,
    specName: r.specName,
    state: r.state,
    maxUnavailable: r.maxUnavailable,
    canary: r.canary,
    evacuate: r.evacuate,
    wave: r.wave,
    message: r.message,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    finishedAt: r.finishedAt,
    counts,
  };
}

export const rolloutDetailOut = (
  r: Rollout,
  hosts: readonly RolloutHost[],
): z.infer<typeof rolloutDetailSchema> => ({
  ...rolloutOut(r, hosts),
  change: { before: r.specBefore, after: r.specAfter },
  hosts: hosts.map((h) => ({
    host: h.host,
    wave: h.wave,
    state: h.state,
    targetGeneration: h.targetGeneration,
    startedAt: h.startedAt,
    finishedAt: h.finishedAt,
    message: h.message,
    instances: [...h.instances],
  })),
});
