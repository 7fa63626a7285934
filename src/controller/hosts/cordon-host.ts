import { VfleetError } from '../../core/errors.js';
import type { HostCordon } from '../../core/fleet/maintenance-store.js';
import type { ControllerDeps } from '../controller-deps.js';

/**
 * `POST /v1/hosts/{id}/cordon` and `/uncordon`: no new placements (nor
 * migrations) to the host, or again. Instances on it stay; uncordoning
 * cancels a drain under way (its migrations already started finish).
 */
export async function setHostCordon(
  deps: ControllerDeps,
  id: string,
  cordoned: boolean,
  reason: string | null,
): Promise<HostCordon> {
  const c = await deps.store.maintenance.setCordon(
    id,
    { cordoned, reason },
    {
      at: new Date(deps.now()).toISOString(),
      describe: (r) => ({
        kind: r.cordoned ? 'host-cordoned' : 'host-uncordoned',
        host: r.host,
        tenant: null,
        subject: r.host,
        message: r.cordoned
          ? `host ${r.host} cordoned${r.reason === null ? '' : `: ${r.reason}`}`
          : `host ${r.host} uncordoned: it takes new instances again`,
        data: { cordoned: r.cordoned, reason: r.reason },
      }),
    },
  );
  if (c === null) throw new VfleetError('NOT_FOUND', `no host ${id}`);
  return c;
}
