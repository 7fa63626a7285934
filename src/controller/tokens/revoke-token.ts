import { VfleetError } from '../../core/errors.js';
import type { ControllerDeps } from '../controller-deps.js';

/**
 * `DELETE /v1/tokens/{id}`: refuses to revoke the last admin token, which
 * would lock everyone out. The store checks and deletes in one transaction,
 * so two concurrent revokes cannot both pass the check.
 */
export async function revokeToken(deps: ControllerDeps, id: string): Promise<void> {
  const outcome = await deps.store.tokens.revoke(id);
  // Refused from the next request on here; other controllers drop theirs on the store's notice.
  if (outcome === 'revoked') deps.tokenCache.forget(id);
  if (outcome === 'last-admin')
    throw new VfleetError(
      'CONFLICT',
      'this is the last admin token; create another before revoking it',
    );
  if (outcome === 'missing') throw new VfleetError('NOT_FOUND', `no token ${id}`);
}
