import type { z } from '@hono/zod-openapi';
import type { hostPatchSchema } from '../../api/schemas/hosts.js';
import { VfleetError } from '../../core/errors.js';
import type { Host } from '../../core/fleet/model.js';
import type { ControllerDeps } from '../controller-deps.js';

/**
 * `PATCH /v1/hosts/{id}`: the host's labels (what the scheduler's label
 * filters match), replaced, with a `host-labelled` event in the same
 * transaction.
 */
export async function labelHost(
  deps: ControllerDeps,
  id: string,
  b: z.infer<typeof hostPatchSchema>,
): Promise<Host> {
  const host = await deps.store.hosts.setLabels(id, b.labels, {
    at: new Date(deps.now()).toISOString(),
    describe: (h) => {
      const text = Object.entries(h.labels).map(([k, v]) => `${k}=${v}`);
      return {
        kind: 'host-labelled',
        host: h.id,
        tenant: null,
        subject: h.id,
        message: `host ${h.id} labels: ${text.length === 0 ? 'none' : text.join(', ')}`,
        data: { labels: h.labels },
      };
    },
  });
  if (host === null) throw new VfleetError('NOT_FOUND', `no host ${id}`);
  return host;
}
