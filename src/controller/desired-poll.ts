import { VfleetError } from '../core/errors.js';
import { desiredHostState } from '../core/fleet/desired-host-state.js';
import type { ControllerDeps } from './controller-deps.js';
import type { DesiredAnswer, DesiredUnchanged } from '../api/schemas/agent.js';
import type { IdleAgents } from './idle-agents.js';
import { followStopping } from './stopping.js';
import { desiredVms } from './vm-desired.js';

/**
 * The long poll of GET /v1/agent/hosts/{id}/desired: the host's desired
 * state once its generation passes `after`, or when `waitSeconds` are up,
 * the agent hangs up or the controller stops. A poll `replaced` by a newer
 * one from the same token answers 409 at once: an agent that gets it sleeps
 * before asking again (run-agent.ts), so two agents sharing a token cannot
 * replace each other in a tight loop, and the log says why.
 *
 * A brief poll (today's agents) whose host's generation this controller
 * knows since the host's last notice (`generations`) reads nothing: it
 * waits for a notice and, when none came, answers `unchanged`. The store
 * publishes one on commit of every change of the generation, to every
 * controller; notices lost to a listener reconnect wake every waiter to
 * read again (change-feed.ts). A poll for the whole state (older agents)
 * reads as before, again every feedPollMs.
 */
export async function waitForDesired(
  deps: ControllerDeps,
  id: string,
  q: { readonly after: number; readonly waitSeconds: number; readonly brief?: boolean },
  hangup: AbortSignal,
  replaced: AbortSignal | undefined,
  memo: Pick<IdleAgents, 'generations' | 'reads'>,
): Promise<DesiredAnswer | DesiredUnchanged> {
  // The agent hanging up, or the controller shutting down, ends the wait.
  const ending = followStopping(
    deps.stopping,
    [hangup, replaced].filter((s) => s !== undefined),
  );
  try {
    return await waitUntilEnded(deps, id, q, ending.signal, replaced, memo);
  } finally {
    ending.release();
  }
}

async function waitUntilEnded(
  deps: ControllerDeps,
  id: string,
  q: { readonly after: number; readonly waitSeconds: number; readonly brief?: boolean },
  ended: AbortSignal,
  replaced: AbortSignal | undefined,
  { generations, reads }: Pick<IdleAgents, 'generations' | 'reads'>,
): Promise<DesiredAnswer | DesiredUnchanged> {
  const deadline = deps.elapsed() + q.waitSeconds * 1000;
  // A function, not the property: the signal flips while we await.
  const isReplaced = () => replaced?.aborted === true;
  const brief = q.brief === true;
  // When a notice last woke this poll: a full answer after it is the change delivered (metrics).
  let wokeAt: number | undefined;
  for (;;) {
    if (isReplaced()) throw replacedError();
    const left = () => Math.max(0, deadline - deps.elapsed());
    // Brief, with the generation known since the host's last notice: nothing to read while none comes.
    const known = brief ? generations.get(id) : undefined;
    if (known !== undefined && known <= q.after) {
      if (left() > 0 && !ended.aborted && (await deps.feed.wait(id, left(), ended))) {
        wokeAt = deps.elapsed();
        continue;
      }
      if (isReplaced()) throw replacedError();
      return { generation: known, unchanged: true };
    }
    // Listening before reading: a change made between the read and the wait still wakes it.
    const listening = new AbortController();
    const woken = deps.feed.wait(
      id,
      Math.min(left(), deps.config.feedPollMs),
      AbortSignal.any([ended, listening.signal]),
    );
    const reading = generations.reading(id);
    let inputs;
    try {
      inputs = await reads.inputs(id);
    } catch (e) {
      listening.abort();
      throw e;
    }
    if (inputs === null) {
      listening.abort();
      throw new VfleetError('NOT_FOUND', `host ${id} is not registered`);
    }
    const generation = inputs.host.desiredGeneration;
    generations.keep(id, generation, reading);
    if (isReplaced()) {
      listening.abort();
      throw replacedError();
    }
    if (generation > q.after || left() <= 0 || ended.aborted) {
      listening.abort();
      if (brief && generation <= q.after) return { generation, unchanged: true };
      const vms = await desiredVms(deps, id, await reads.vms(id));
      if (wokeAt !== undefined && generation > q.after)
        deps.metrics?.desiredDelivered((deps.elapsed() - wokeAt) / 1000);
      return {
        generation,
        state: desiredHostState(inputs),
        domains: vms.domains,
        tasks: vms.tasks.map((t) => ({ id: t.id, op: t.op, args: { ...t.args } })),
      };
    }
    // A notice (from this process, or another through LISTEN) ends the wait early.
    if (await woken) wokeAt = deps.elapsed();
  }
}

const replacedError = () =>
  new VfleetError(
    'CONFLICT',
    'a newer long poll from the same token replaced this one (one long poll per agent token)',
    { field: 'waitSeconds', reason: 'replaced' },
  );
