import { escapeControlChars } from '../core/control-chars.js';
import { VfleetError, isVfleetError } from '../core/errors.js';
import type { Lab } from '../lab/lab.js';
import { progressDeadline, scaledLimits } from '../lab/progress-deadline.js';
import { createApiClient } from '../api/client.js';
import { hostRoutes } from '../api/routes/hosts.js';
import type { CliDeps } from './cli-deps.js';
import { fleetOf } from './fleet-options.js';
import type { HostDetailView } from '../api/answers.js';

export const AGENT_LOG = '/var/log/vfleet-agent.log';
/**
 * Under emulation the guest's agent joins 45-120 s after it starts (node
 * start-up, a cold first scan); on a busy machine later, so past this the
 * wait goes on while the agent's log or the host's state advances.
 */
const JOIN_BASE_MS = 300_000;
/** How often a joining host's state is told: a minute of silence looks like a hang. */
export const JOIN_PROGRESS_EVERY_MS = 15_000;
const POLL_MS = 500;

export interface JoinWait {
  readonly host: string;
  /** The lab instance the host runs in. */
  readonly name: string;
  /** When its agent was started (clock ms). */
  readonly startedAt: number;
  readonly url: string;
  readonly admin: string;
  readonly signal: AbortSignal;
}

type Seen =
  | { readonly kind: 'absent' }
  | { readonly kind: 'stale' }
  | { readonly kind: 'scanning' }
  | { readonly kind: 'joined'; readonly pfs: HostDetailView['pfs'] };

/** What a joining host's state says, in the words of the progress line. */
export function describeJoin(seen: Seen, agoS: number, lastLogLine: string | null): string {
  const log = lastLogLine === null ? '' : `; last agent log line: ${lastLogLine}`;
  switch (seen.kind) {
    case 'absent':
      return `agent started ${agoS} s ago, not registered yet${log}`;
    case 'stale':
      return `agent started ${agoS} s ago, not reported yet (the host record is from an earlier run)${log}`;
    case 'scanning':
      return `registered, first scan running (${agoS} s since its agent started)${log}`;
    case 'joined':
      return `joined with ${seen.pfs.length} PF(s)`;
  }
}

/** The line the guest's restart loop writes (see AGENT_LOOP in up-lab.ts). */
const EXITED = /^vfleet agent exited \((\d+)\); again in 5 s$/;

/**
 * What the end of the agent log says, in one printable, short line: its last
 * line, or, when the agent is crash-looping, its exit code and the error it
 * died of (a Node error sits above its stack trace).
 */
export function agentLogSummary(tail: string): string | null {
  const lines = tail
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '');
  const last = lines.at(-1);
  if (last === undefined) return null;
  const exited = EXITED.exec(last);
  let line = last;
  if (exited !== null) {
    const error = lines.findLast(
      (l) => /error\b/i.test(l) && !/^\s+at /.test(l) && !EXITED.test(l),
    );
    line = `the agent exits (${exited[1]}) and restarts every 5 s${error === undefined ? '' : `; its error: ${error.trim()}`}`;
  }
  const clean = escapeControlChars(line, false);
  return clean.length > 200 ? `${clean.slice(0, 197)}...` : clean;
}

/** The agent log's summary line, or null when it has none (or cannot be read). */
async function lastLogLine(lab: Lab, name: string): Promise<string | null> {
  const r = await lab
    .run(['tail', '-n', '30', AGENT_LOG], { name, timeoutMs: 10_000 })
    .catch(() => null);
  return agentLogSummary(r?.stdout ?? '');
}

/**
 * Waits until the lab host has reported PFs since its agent started (a host
 * of an earlier run keeps its record, so lastSeen must be new), telling its
 * state about every 15 s. Register also stamps lastSeen: on a re-run this
 * may end one scan early.
 */
export async function waitJoined(
  deps: CliDeps,
  lab: Lab,
  w: JoinWait,
): Promise<HostDetailView['pfs']> {
  const api = createApiClient({ baseUrl: w.url, token: w.admin, fetch: fleetOf(deps).fetch });
  const deadline = progressDeadline(w.startedAt, scaledLimits(JOIN_BASE_MS));
  let told = w.startedAt;
  let lastState = '';
  let lastLine: string | null = null;
  while (!w.signal.aborted) {
    const h = await api.call(hostRoutes.get, { params: { id: w.host } }).catch((e: unknown) => {
      if (isVfleetError(e) && e.code === 'NOT_FOUND') return null;
      throw e;
    });
    const fresh = h !== null && h.lastSeen !== null && Date.parse(h.lastSeen) >= w.startedAt;
    // Joined means ready: its first apply done, so `vfleet hosts` right after shows it ready.
    if (fresh && h.pfs.length > 0 && h.ready) return h.pfs;
    const seen: Seen =
      h === null ? { kind: 'absent' } : fresh ? { kind: 'scanning' } : { kind: 'stale' };
    const now = deps.clock.now();
    if (seen.kind !== lastState) {
      lastState = seen.kind;
      deadline.progressed(now);
    }
    if (now - told >= JOIN_PROGRESS_EVERY_MS) {
      told = now;
      const line = await lastLogLine(lab, w.name);
      if (line !== null && line !== lastLine) deadline.progressed(now);
      lastLine = line;
      const agoS = Math.round((now - w.startedAt) / 1000);
      deps.err(`vfleet up: ${w.host}: ${describeJoin(seen, agoS, line)}\n`);
    }
    if (deadline.expired(now)) return timedOut(lab, w, deadline.why(now));
    await deps.clock.sleep(POLL_MS);
  }
  throw new VfleetError('COMMAND_FAILED', `interrupted while the lab host ${w.host} was joining`);
}

async function timedOut(lab: Lab, w: JoinWait, why: string): Promise<never> {
  const log = await lab
    .run(['tail', '-n', '20', AGENT_LOG], { name: w.name, timeoutMs: 15_000 })
    .then((r) => r.stdout)
    .catch(() => '(cannot read it)');
  throw new VfleetError(
    'TIMEOUT',
    `the lab host ${w.host} did not report its PFs: ${why}; its agent log (${AGENT_LOG} in the guest) ends:\n${log}`,
    { host: w.host },
  );
}
