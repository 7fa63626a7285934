import { VfleetError } from '../../core/errors.js';
import type { Rollout } from '../../core/fleet/rollout-store.js';
import type { ControllerDeps } from '../controller-deps.js';

/**
 * `POST /v1/rollouts/{id}/pause|resume|abort`: an operator's step, each
 * audited. Pause stops the next wave (hosts updating go on); resume gives
 * failed hosts their apply and gate again, or skips them; abort puts the
 * spec back as it was.
 */
export async function stepRollout(
  deps: ControllerDeps,
  id: string,
  step: 'pause' | 'resume' | 'abort',
  skipFailed: boolean,
): Promise<Rollout> {
  const now = new Date(deps.now()).toISOString();
  const got = await deps.store.rollouts.get(id);
  if (got === null) throw new VfleetError('NOT_FOUND', `no rollout ${id}`);
  if (step === 'abort') {
    const r = await deps.store.rollouts.abort(id, now);
    if (r === null) throw new VfleetError('NOT_FOUND', `no rollout ${id}`);
    return r;
  }
  const from = step === 'pause' ? 'running' : 'paused';
  const r = await deps.store.rollouts.setState(id, {
    state: step === 'pause' ? 'paused' : 'running',
    message:
      step === 'pause'
        ? 'paused by an operator: no next wave until resumed'
        : `resumed${skipFailed ? ', failed hosts skipped' : ', failed hosts applying again'}`,
    now,
    from: [from],
    audit: step === 'pause' ? 'rollout.pause' : 'rollout.resume',
    skipFailed,
  });
  if (r === null)
    throw new VfleetError(
      'CONFLICT',
      `rollout ${id} is ${got.rollout.state}: only a ${from} rollout can be ${step === 'pause' ? 'paused' : 'resumed'}`,
    );
  deps.passes?.kick();
  return r;
}
