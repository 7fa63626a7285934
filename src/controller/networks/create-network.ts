import type { z } from '@hono/zod-openapi';
import { VfleetError } from '../../core/errors.js';
import type { Network, Token } from '../../core/fleet/model.js';
import type { networkCreateSchema } from '../../api/schemas/catalog.js';
import type { ControllerDeps } from '../controller-deps.js';
import { networkNote } from './network-events.js';

/**
 * `POST /v1/networks`: a network for the caller's tenant (an admin may name
 * any tenant). Only an admin is told which other tenant holds a clashing VLAN.
 */
export async function createNetwork(
  deps: ControllerDeps,
  who: Token,
  b: z.infer<typeof networkCreateSchema>,
): Promise<Network> {
  if (who.role === 'tenant' && b.tenant !== undefined && b.tenant !== who.tenant) {
    throw new VfleetError('FORBIDDEN', 'a tenant token creates networks for its own tenant only', {
      field: 'tenant',
    });
  }
  const tenant = who.role === 'admin' ? (b.tenant ?? 'admin') : (who.tenant ?? '');
  return deps.store.catalog.createNetwork(
    {
      id: deps.ids.uuid(),
      name: b.name,
      tenant,
      physnet: b.physnet,
      vlan: b.vlan ?? null,
      quotas: deps.config.quotas,
      revealOthers: who.role === 'admin',
    },
    networkNote(deps, 'created'),
  );
}
