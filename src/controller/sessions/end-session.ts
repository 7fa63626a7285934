import type { Session } from '../../core/fleet/session-store.js';
import type { ControllerDeps } from '../controller-deps.js';

/** `DELETE /v1/session`: the session is gone at once; its cookie no longer signs anyone in. */
export async function endSession(deps: ControllerDeps, session: Session): Promise<void> {
  await deps.store.sessions.end(session.id);
}
