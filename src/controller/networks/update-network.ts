import type { z } from '@hono/zod-openapi';
import { VfleetError } from '../../core/errors.js';
import type { Network, Token } from '../../core/fleet/model.js';
import type { networkUpdateSchema } from '../../api/schemas/catalog.js';
import type { ControllerDeps } from '../controller-deps.js';
import { networkNote } from './network-events.js';
import { ownedNetwork } from './owned-network.js';

/** `PATCH /v1/networks/{id}`: within the tenant's quotas; only an admin learns who holds a clashing VLAN. */
export async function updateNetwork(
  deps: ControllerDeps,
  who: Token,
  id: string,
  patch: z.infer<typeof networkUpdateSchema>,
): Promise<Network> {
  const n = await ownedNetwork(deps, who, id);
  const updated = await deps.store.catalog.updateNetwork(
    n.id,
    patch,
    deps.config.quotas,
    who.role === 'admin',
    networkNote(deps, 'updated'),
  );
  if (updated === null) throw new VfleetError('NOT_FOUND', `no network ${n.id}`);
  return updated;
}
