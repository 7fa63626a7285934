/**
 * Rollouts (docs/controller.md, "Rollouts"): a spec change that changes
 * the declared state of hosts (their VF count, VF driver, whole-PF offer or
 * governing spec) reaches them in waves. Until its wave, a host keeps the
 * specs as they were (its agent is given the old state, its PFs keep their
 * old tags); a released host must pass the health gate before the next
 * wave goes.
 */
export const ROLLOUT_STATES = ['running', 'paused', 'done', 'aborted'] as const;
export type RolloutState = (typeof ROLLOUT_STATES)[number];

/**
 * A host in a rollout: `pending` (not released yet), `updating` (released,
 * before the gate), `done`, `failed` (apply failed, unhealthy or too slow:
 * the rollout paused), `refused` (the change would take VFs from instances
 * on it: kept on the old specs until they are gone), `evacuating` (those
 * instances are being live-migrated away first), `skipped` (a failed host
 * the operator resumed past).
 */
export const ROLLOUT_HOST_STATES = [
  'pending',
  'updating',
  'done',
  'failed',
  'refused',
  'evacuating',
  'skipped',
] as const;
export type RolloutHostState = (typeof ROLLOUT_HOST_STATES)[number];

/** Hosts still on the specs from before the change. */
export const HELD_BACK: readonly RolloutHostState[] = ['pending', 'refused', 'evacuating'];

export interface RolloutPolicy {
  /** Hosts updating at once: a count, or a percentage of the rollout's hosts (`25%`). */
  readonly maxUnavailable: string;
  /** Hosts in the first wave, alone, before any other (0: none). */
  readonly canary: number;
  /** Live-migrate the instances a host's change would take VFs from, instead of refusing that host. */
  readonly evacuate: boolean;
}

/** One wave at a time, all hosts at once: the change as it was before rollouts. */
export const ALL_AT_ONCE: RolloutPolicy = { maxUnavailable: '100%', canary: 0, evacuate: false };

/** `3` or `25%`; null when it is neither. */
export function parseMaxUnavailable(text: string): { count: number } | { percent: number } | null {
  const m = /^(\d{1,6})(%?)$/.exec(text.trim());
  if (m?.[1] === undefined) return null;
  const n = Number(m[1]);
  if (m[2] === '%') return n >= 1 && n <= 100 ? { percent: n } : null;
  return n >= 1 ? { count: n } : null;
}

/** How many hosts a wave may hold (at least 1): a percentage of `hosts`, rounded up. */
export function waveSize(maxUnavailable: string, hosts: number): number {
  const p = parseMaxUnavailable(maxUnavailable);
  if (p === null) return 1;
  if ('count' in p) return p.count;
  return Math.max(1, Math.ceil((hosts * p.percent) / 100));
}

/** A released host as the gate sees it. */
export interface GateInput {
  readonly targetGeneration: number;
  readonly appliedGeneration: number;
  readonly lastApplyMessage: string | null;
  readonly healthy: boolean | null;
  readonly lastSeen: string | null;
  /** Doctor findings of severity error now, and when it was released. */
  readonly errors: number;
  readonly errorsBefore: number;
  readonly startedAt: string;
}

export type GateResult =
  { readonly pass: true } | { readonly pass: false; readonly failed: string | null };

/**
 * The health gate between waves: the host applied the released generation,
 * its doctor has no more error findings than before, and its agent is
 * alive and says it is healthy. `failed` (null while it may still pass):
 * the apply failed, a new error finding, or no pass within `timeoutMs`.
 */
export function gate(
  h: GateInput,
  nowMs: number,
  staleAfterMs: number,
  timeoutMs: number,
): GateResult {
  const applied = h.appliedGeneration >= h.targetGeneration;
  if (!applied && h.lastApplyMessage !== null)
    return { pass: false, failed: `its apply failed: ${h.lastApplyMessage}` };
  if (applied && h.errors > h.errorsBefore)
    return {
      pass: false,
      failed: `its doctor reports ${h.errors - h.errorsBefore} new error finding(s) (\`vfleet hosts show\`)`,
    };
  const alive = h.lastSeen !== null && nowMs - Date.parse(h.lastSeen) <= staleAfterMs;
  if (applied && alive && h.healthy === true) return { pass: true };
  if (nowMs - Date.parse(h.startedAt) > timeoutMs) {
    const why = !applied
      ? `generation ${h.targetGeneration} not applied (at ${h.appliedGeneration})`
      : !alive
        ? 'its agent is not seen'
        : 'its agent does not report it healthy';
    return { pass: false, failed: `${why} within ${Math.round(timeoutMs / 1000)} s` };
  }
  return { pass: false, failed: null };
}
