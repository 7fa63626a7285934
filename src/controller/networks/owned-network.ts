import { VfleetError } from '../../core/errors.js';
import type { Network, Token } from '../../core/fleet/model.js';
import { tenantScope } from '../auth.js';
import type { ControllerDeps } from '../controller-deps.js';

/** The network if `who` may see it; another tenant's network is NOT_FOUND, as if absent. */
export async function ownedNetwork(deps: ControllerDeps, who: Token, id: string): Promise<Network> {
  const n = await deps.store.catalog.getNetwork(id);
  const scope = tenantScope(who);
  if (n === null || (scope !== null && n.tenant !== scope)) {
    throw new VfleetError('NOT_FOUND', `no network ${id}`);
  }
  return n;
}
