import type { ControllerDeps } from '../controller-deps.js';
import type { IdleAgents } from '../idle-agents.js';

/**
 * `POST /v1/agent/hosts/{id}/heartbeat`: the agent's host is alive and its
 * last full report (named by the digest the controller answered it with)
 * still holds. Answered from memory when this controller checked that
 * digest since the host's last notice (its last_seen then written in the
 * next batch); else one statement checks and moves last_seen. Not held (a
 * report since, a restored database, a device the host stopped reporting
 * let go since, a host not registered): the agent sends its full report.
 */
export async function recordHeartbeat(
  deps: ControllerDeps,
  idle: IdleAgents,
  id: string,
  digest: string,
): Promise<{ reportNeeded: boolean }> {
  const now = new Date(deps.now()).toISOString();
  if (idle.digests.get(id) === digest) {
    idle.seen.seen(id, now);
    return { reportNeeded: false };
  }
  const reading = idle.digests.reading(id);
  const held = await deps.store.hosts.heartbeat(id, digest, now);
  if (held) idle.digests.keep(id, digest, reading);
  else idle.digests.forget(id);
  return { reportNeeded: !held };
}
