import { VfleetError } from '../../core/errors.js';
import type { ControllerDeps } from '../controller-deps.js';

/** `DELETE /v1/specs/{id}`: hosts whose VFs it tagged get a new desired generation, in the same transaction. */
export async function removeSpec(deps: ControllerDeps, id: string): Promise<void> {
  if (!(await deps.store.catalog.removeSpec(id))) {
    throw new VfleetError('NOT_FOUND', `no spec ${id}`);
  }
}
