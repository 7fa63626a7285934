import type { z } from '@hono/zod-openapi';
import { VfleetError } from '../../core/errors.js';
import type { DeviceSpec } from '../../core/fleet/model.js';
import type { specUpdateSchema } from '../../api/schemas/catalog.js';
import type { ControllerDeps } from '../controller-deps.js';
import { checkSpec } from './spec-checks.js';
import { mergeSpec } from './spec-merge.js';

/**
 * `PATCH /v1/specs/{id}`: the patch laid over the spec and checked as a new
 * spec would be; hosts whose VF tagging changes get a new desired generation.
 */
export async function updateSpec(
  deps: ControllerDeps,
  id: string,
  patch: z.infer<typeof specUpdateSchema>,
): Promise<DeviceSpec> {
  const cur = await deps.store.catalog.getSpec(id);
  if (cur === null) throw new VfleetError('NOT_FOUND', `no spec ${id}`);
  const spec = mergeSpec(cur, patch);
  await checkSpec(deps.store.catalog, spec);
  const updated = await deps.store.catalog.updateSpec(spec);
  if (updated === null) throw new VfleetError('NOT_FOUND', `no spec ${id}`);
  return updated;
}
