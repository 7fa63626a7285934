import { VfleetError } from '../../core/errors.js';
import type { ControllerDeps } from '../controller-deps.js';

/** `DELETE /v1/tokens/{id}`: refuses to revoke the last admin token, which would lock everyone out. */
export async function revokeToken(deps: ControllerDeps, id: string): Promise<void> {
  const target = await deps.store.tokens.get(id);
  if (target?.role === 'admin' && (await deps.store.tokens.count('admin')) <= 1) {
    throw new VfleetError(
      'CONFLICT',
      'this is the last admin token; create another before revoking it',
    );
  }
  if (!(await deps.store.tokens.remove(id))) throw new VfleetError('NOT_FOUND', `no token ${id}`);
}
