import type { z } from '@hono/zod-openapi';
import { VfleetError } from '../core/errors.js';
import { desiredHostState } from '../core/fleet/desired-host-state.js';
import type { ControllerDeps } from './controller-deps.js';
import type { desiredSchema } from '../api/schemas/agent.js';
import { desiredVms } from './vm-desired.js';

/**
 * The long poll of GET /v1/agent/hosts/{id}/desired: the host's desired
 * state once its generation passes `after`, or when `waitSeconds` are up,
 * the agent hangs up or the controller stops. A poll `replaced` by a newer
 * one from the same token answers 409 at once: an agent that gets it sleeps
 * before asking again (run-agent.ts), so two agents sharing a token cannot
 * replace each other in a tight loop, and the log says why.
 */
export async function waitForDesired(
  deps: ControllerDeps,
  id: string,
  q: { readonly after: number; readonly waitSeconds: number },
  hangup: AbortSignal,
  replaced?: AbortSignal,
): Promise<z.infer<typeof desiredSchema>> {
  const deadline = deps.elapsed() + q.waitSeconds * 1000;
  // The agent hanging up, or the controller shutting down, ends the wait.
  const ended = AbortSignal.any([hangup, deps.stopping, replaced].filter((s) => s !== undefined));
  // A function, not the property: the signal flips while we await.
  const isReplaced = () => replaced?.aborted === true;
  for (;;) {
    if (isReplaced()) throw replacedError();
    // Listening before reading: a change made between the read and the wait still wakes it.
    const listening = new AbortController();
    const woken = deps.feed.wait(
      id,
      Math.max(0, Math.min(deadline - deps.elapsed(), deps.config.feedPollMs)),
      AbortSignal.any([ended, listening.signal]),
    );
    let inputs;
    try {
      inputs = await deps.store.hosts.desiredInputs(id);
    } catch (e) {
      listening.abort();
      throw e;
    }
    if (inputs === null) {
      listening.abort();
      throw new VfleetError('NOT_FOUND', `host ${id} is not registered`);
    }
    if (isReplaced()) {
      listening.abort();
      throw replacedError();
    }
    const left = deadline - deps.elapsed();
    if (inputs.host.desiredGeneration > q.after || left <= 0 || ended.aborted) {
      listening.abort();
      const vms = await desiredVms(deps, id);
      return {
        generation: inputs.host.desiredGeneration,
        state: desiredHostState(inputs),
        domains: vms.domains,
        tasks: vms.tasks.map((t) => ({ id: t.id, op: t.op, args: { ...t.args } })),
      };
    }
    // A notice (from this process, or another through LISTEN) ends the wait early.
    await woken;
  }
}

const replacedError = () =>
  new VfleetError(
    'CONFLICT',
    'a newer long poll from the same token replaced this one (one long poll per agent token)',
    { field: 'waitSeconds', reason: 'replaced' },
  );
