import type { Token } from '../../core/fleet/model.js';
import type { ControllerDeps } from '../controller-deps.js';
import { networkNote } from './network-events.js';
import { ownedNetwork } from './owned-network.js';

/** `DELETE /v1/networks/{id}`: a tenant removes only its own networks; the event commits with it. */
export async function removeNetwork(deps: ControllerDeps, who: Token, id: string): Promise<void> {
  const n = await ownedNetwork(deps, who, id);
  await deps.store.catalog.removeNetwork(n.id, networkNote(deps, 'deleted'));
}
