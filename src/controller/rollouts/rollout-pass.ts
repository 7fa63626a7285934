import { isVfleetError } from '../../core/errors.js';
import { gate, waveSize, type RolloutState } from '../../core/fleet/rollout.js';
import type { Rollout, RolloutHost } from '../../core/fleet/rollout-store.js';
import type { ControllerDeps } from '../controller-deps.js';
import { startLiveMigration } from '../live-migrations/start-live-migration.js';

/** How long a released host has to pass the gate before the rollout pauses on it. */
export const DEFAULT_HOST_TIMEOUT_MS = 600_000;

/**
 * One step of one running rollout (docs/controller.md, "Rollouts"), from
 * what the store holds, so any controller carries it on after a restart:
 *
 * 1. each `updating` host is gated: done, failed, or still waiting; one
 *    failure pauses the rollout, naming the host and why;
 * 2. each host refused (ports hold VFs the change would take) is tried
 *    again; with `evacuate`, those instances are live-migrated away first;
 * 3. once no host is updating, the next wave is released: the canaries
 *    alone first, then `maxUnavailable` hosts at a time;
 * 4. with no host left to release or gate, it is done (or waits on the
 *    refused hosts, naming them).
 */
export async function advanceRollout(deps: ControllerDeps, r: Rollout): Promise<RolloutState> {
  const got = await deps.store.rollouts.get(r.id);
  if (got === null) return r.state;
  const at = deps.now();
  const now = new Date(at).toISOString();
  const timeoutMs = deps.config.rolloutHostTimeoutMs ?? DEFAULT_HOST_TIMEOUT_MS;
  const hosts = [...got.hosts];
  const set = (h: RolloutHost, next: Partial<RolloutHost>) => {
    hosts[hosts.indexOf(h)] = { ...h, ...next };
  };

  const updating = hosts.filter((h) => h.state === 'updating');
  const facts = await deps.store.rollouts.facts(updating.map((h) => h.host));
  const failed: string[] = [];
  for (const h of updating) {
    const f = facts.get(h.host);
    const g =
      f === undefined
        ? { pass: false as const, failed: 'the host is gone' }
        : gate(
            {
              ...f,
              targetGeneration: h.targetGeneration ?? 0,
              errorsBefore: h.errorsBefore,
              startedAt: h.startedAt ?? now,
            },
            at,
            deps.config.staleAfterMs,
            timeoutMs,
          );
    if (g.pass) {
      await deps.store.rollouts.setHost(r.id, h.host, { state: 'done', message: null, now });
      set(h, { state: 'done' });
    } else if (g.failed !== null) {
      await deps.store.rollouts.setHost(r.id, h.host, { state: 'failed', message: g.failed, now });
      set(h, { state: 'failed' });
      failed.push(`${h.host} (${g.failed})`);
    }
  }
  if (failed.length > 0) {
    await deps.store.rollouts.setState(r.id, {
      state: 'paused',
      message: `paused in wave ${r.wave}: ${failed.join('; ')}; fix it, then \`vfleet rollout resume ${r.id}\` (--skip-failed to go on without it)`,
      now,
      from: ['running'],
      audit: 'rollout.step',
    });
    return 'paused';
  }

  // Hosts refused or evacuating: released as soon as no port holds a VF the change would take.
  for (const h of hosts.filter((x) => x.state === 'refused' || x.state === 'evacuating')) {
    // Its wave's slot is its own already (an evacuating host counts as one).
    const rel = await deps.store.rollouts.release(r, h.host, r.wave, Infinity, now);
    if (rel.released) set(h, { state: 'updating' });
    // Evacuating: each instance still there is asked to move again (one that could not
    // move may now; one migrating is left to its migration).
    else if (r.evacuate && rel.instances.length > 0) {
      await evacuate(deps, r, h.host, rel.instances, rel.why, now);
      set(h, { state: 'evacuating' });
    }
  }

  // An evacuating host counts as one of the wave's: the next wave waits for it too.
  if (hosts.some((h) => h.state === 'updating' || h.state === 'evacuating')) return 'running';
  const pending = hosts.filter((h) => h.state === 'pending');
  if (pending.length > 0) {
    const size = r.wave === 0 && r.canary > 0 ? r.canary : waveSize(r.maxUnavailable, hosts.length);
    const wave = r.wave + 1;
    const released: string[] = [];
    let evacuating = 0;
    for (const h of pending) {
      if (released.length + evacuating >= size) break;
      const rel = await deps.store.rollouts.release(r, h.host, wave, size, now);
      if (rel.released) released.push(h.host);
      else if (rel.waveFull === true) break;
      // Nothing held, only VFs still being reset: it goes in a later wave.
      else if (rel.instances.length === 0) continue;
      else if (r.evacuate) {
        await evacuate(deps, r, h.host, rel.instances, rel.why, now);
        evacuating++;
      } else
        await deps.store.rollouts.setHost(r.id, h.host, {
          state: 'refused',
          message: `the change would take VFs from instances on it: ${rel.why}; it is updated once they are gone (or roll out with evacuate)`,
          instances: rel.instances,
          now,
        });
    }
    const left = pending.length - released.length - evacuating;
    await deps.store.rollouts.setState(r.id, {
      state: 'running',
      message: `wave ${wave}${r.canary > 0 && wave === 1 ? ' (canary)' : ''}: ${released.length === 0 ? 'no host released' : released.join(', ')}${evacuating === 0 ? '' : `, ${evacuating} evacuating`}; ${left} host(s) not released yet`,
      wave,
      now,
      from: ['running'],
      audit: null,
    });
    return 'running';
  }
  const waiting = hosts.filter((h) => h.state === 'refused' || h.state === 'evacuating');
  if (waiting.length > 0) {
    const text = waiting.map((h) => `${h.host} (${h.instances.join(', ')})`).join('; ');
    const message = `waiting on ${waiting.length} host(s) whose instances hold VFs the change would take: ${text}`;
    if (message !== got.rollout.message)
      await deps.store.rollouts.setState(r.id, {
        state: 'running',
        message,
        now,
        from: ['running'],
        audit: null,
      });
    return 'running';
  }
  const skipped = hosts.filter((h) => h.state === 'skipped').map((h) => h.host);
  await deps.store.rollouts.setState(r.id, {
    state: 'done',
    message: `${hosts.length - skipped.length} host(s) updated${skipped.length === 0 ? '' : `; skipped: ${skipped.join(', ')}`}`,
    now,
    from: ['running'],
    audit: 'rollout.step',
  });
  return 'done';
}

/** Live-migrates the instances named away from `host` (each once; the next pass retries the release). */
async function evacuate(
  deps: ControllerDeps,
  r: Rollout,
  host: string,
  names: readonly string[],
  why: string,
  now: string,
): Promise<void> {
  const notes: string[] = [];
  // Targets come from the fleet view: let it see every change committed so far first.
  await deps.fleetView.fresh();
  for (const name of names) {
    const page = await deps.store.claims.pageInstances(
      { tenant: null, host, name },
      { limit: 10, after: null },
    );
    for (const inst of page.items) {
      try {
        await startLiveMigration(deps, inst, undefined);
      } catch (e) {
        if (!isVfleetError(e)) throw e;
        if (!e.message.includes('already migrating')) notes.push(`${inst.name}: ${e.message}`);
      }
    }
  }
  await deps.store.rollouts.setHost(r.id, host, {
    state: 'evacuating',
    message: `evacuating (${why})${notes.length === 0 ? '' : `; cannot move: ${notes.join('; ')}`}`,
    instances: names,
    now,
  });
}
