import type { z } from '@hono/zod-openapi';
import { DEFAULT_PAGE_LIMIT } from '../../api/schemas/pages.js';
import type { specRolloutSchema } from '../../api/schemas/spec-rollout.js';
import { VfleetError } from '../../core/errors.js';
import type { ControllerDeps } from '../controller-deps.js';

/**
 * `GET /v1/specs/{id}/rollout`: how far the hosts a spec governs PFs of
 * have applied it, in one query over the spec's PFs (what `spec --wait`
 * polls instead of every host's map).
 */
export async function specRollout(
  deps: Pick<ControllerDeps, 'store'>,
  id: string,
  limit: number | undefined,
): Promise<z.infer<typeof specRolloutSchema>> {
  const spec = await deps.store.catalog.getSpec(id);
  if (spec === null) throw new VfleetError('NOT_FOUND', `no spec ${id}`);
  const r = await deps.store.hosts.specRollout(spec.id, limit ?? DEFAULT_PAGE_LIMIT);
  return {
    spec: spec.id,
    hosts: r.hosts,
    done: r.done,
    first: r.first.map(({ hostId, ...h }) => ({ host: hostId, ...h })),
  };
}
