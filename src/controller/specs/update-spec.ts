import type { z } from '@hono/zod-openapi';
import { VfleetError } from '../../core/errors.js';
import type { DeviceSpec } from '../../core/fleet/model.js';
import type { specUpdateSchema } from '../../api/schemas/catalog.js';
import type { ControllerDeps } from '../controller-deps.js';
import { checkSpec } from './spec-checks.js';
import { mergeSpec } from './spec-merge.js';

/**
 * `PATCH /v1/specs/{id}`: the patch laid over the spec and checked as a new
 * spec would be. With a rollout (asked for, or the controller's default),
 * the hosts whose declared state moves get it in waves (rollout-pass.ts);
 * otherwise they get a new desired generation at once, in the change's
 * transaction.
 */
export async function updateSpec(
  deps: ControllerDeps,
  id: string,
  patch: z.infer<typeof specUpdateSchema>,
): Promise<{ spec: DeviceSpec; rollout: string | null }> {
  const cur = await deps.store.catalog.getSpec(id);
  if (cur === null) throw new VfleetError('NOT_FOUND', `no spec ${id}`);
  const spec = mergeSpec(cur, patch);
  await checkSpec(deps.store.catalog, spec);
  const policy = patch.rollout ?? deps.config.rolloutDefault ?? null;
  if (policy === null) {
    const updated = await deps.store.catalog.updateSpec(spec);
    if (updated === null) throw new VfleetError('NOT_FOUND', `no spec ${id}`);
    return { spec: updated, rollout: null };
  }
  const r = await deps.store.rollouts.updateSpec(spec, {
    ...policy,
    id: deps.ids.uuid(),
    now: new Date(deps.now()).toISOString(),
  });
  if (r === null) throw new VfleetError('NOT_FOUND', `no spec ${id}`);
  if (r.rollout !== null) deps.passes?.kick();
  return r;
}
