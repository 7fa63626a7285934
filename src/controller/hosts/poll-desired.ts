import type { DesiredAnswer, DesiredUnchanged } from '../../api/schemas/agent.js';
import type { ControllerDeps } from '../controller-deps.js';
import { waitForDesired } from '../desired-poll.js';
import type { IdleAgents } from '../idle-agents.js';
import { recordHeartbeat } from './record-heartbeat.js';

export interface DesiredPollQuery {
  readonly after: number;
  readonly waitSeconds: number;
  readonly brief: boolean;
  /** The agent's last report digest: the poll is also its heartbeat. */
  readonly digest?: string | undefined;
}

/**
 * `GET /v1/agent/hosts/{id}/desired`: one long poll per agent token (a newer
 * one replaces it), and, when it carries the digest of the agent's last full
 * report, the host's heartbeat too: a sighting when it arrives and another
 * when it answers, so an idle agent needs one request per long poll instead
 * of a poll plus a heartbeat on a second connection (the cost that
 * dominated 10,000 idle agents: issue 14, docs/controller.md). A digest the
 * controller does not hold answers at once with `reportNeeded`, like the
 * heartbeat, so the agent sends its full report without waiting the poll out.
 */
export async function pollDesired(
  deps: ControllerDeps,
  idle: IdleAgents,
  id: string,
  poller: string,
  q: DesiredPollQuery,
  hangup: AbortSignal,
): Promise<DesiredAnswer | DesiredUnchanged> {
  const heard = q.digest === undefined ? null : await recordHeartbeat(deps, idle, id, q.digest);
  const waitSeconds = heard?.reportNeeded === true ? 0 : q.waitSeconds;
  // A zero wait is a plain read and replaces nothing.
  const poll = waitSeconds > 0 ? deps.longPolls.enter(`${poller}:${id}`) : null;
  let answer: DesiredAnswer | DesiredUnchanged;
  try {
    answer = await waitForDesired(
      deps,
      id,
      { after: q.after, waitSeconds, brief: q.brief },
      hangup,
      poll?.replaced,
      idle,
    );
  } finally {
    poll?.leave();
  }
  if (q.digest === undefined || heard === null) return answer;
  if (heard.reportNeeded || waitSeconds === 0)
    return { ...answer, reportNeeded: heard.reportNeeded };
  // Still connected at the end of its wait: heard again (from memory unless a notice came meanwhile).
  const end = hangup.aborted ? heard : await recordHeartbeat(deps, idle, id, q.digest);
  return { ...answer, reportNeeded: end.reportNeeded };
}
