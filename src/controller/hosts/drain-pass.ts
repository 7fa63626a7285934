import { isVfleetError } from '../../core/errors.js';
import type { InstanceView } from '../../core/fleet/claim-store.js';
import type { BlockedInstance, DrainState, HostDrain } from '../../core/fleet/maintenance-store.js';
import type { NewEvent } from '../../core/fleet/events.js';
import type { ControllerDeps } from '../controller-deps.js';
import { startLiveMigration } from '../live-migrations/start-live-migration.js';

/** Instances a drain looks at per pass: a host holds far fewer. */
const MAX_INSTANCES = 1000;

/**
 * One step of one drain: counts the instances still on the host, starts
 * live migrations for those that can move (at most `maxParallel` running
 * at once; the target is the scheduler's choice, never a cordoned host),
 * and names those that cannot. A migration that rolled back, or needs
 * attention, since the drain started is not tried again in this drain: the
 * instance is named with the migration's outcome. A refusal (no capacity,
 * no domain yet) is tried again on the next pass, as capacity may free up.
 * Idempotent, and safe beside another controller's pass: a second start of
 * the same instance's migration is refused by the store.
 */
export async function advanceDrain(deps: ControllerDeps, d: HostDrain): Promise<DrainState> {
  const page = await deps.store.claims.pageInstances(
    { tenant: null, host: d.host },
    { limit: MAX_INSTANCES, after: null },
  );
  const left = page.items.filter((i) => i.state !== 'expired' && i.hostId === d.host);
  const blocked: BlockedInstance[] = [];
  const movable: InstanceView[] = [];
  let running = 0;
  for (const inst of left) {
    const ms = (await deps.store.vms.migrations(inst.id)).filter((m) => m.createdAt >= d.startedAt);
    if (ms.some((m) => m.state === 'running')) running++;
    else {
      const failed = ms.find((m) => m.state === 'rolled-back' || m.state === 'needs-attention');
      if (failed === undefined) movable.push(inst);
      else
        blocked.push({
          instance: inst.id,
          name: inst.name,
          reason: `its migration to ${failed.target} ${failed.state === 'rolled-back' ? 'rolled back' : 'needs attention'} (\`vfleet instance migrations ${inst.name}\`)`,
        });
    }
  }
  // Targets come from the fleet view: first let it see every change committed so far
  // (a host uncordoned just before the drain, capacity freed by the last migration).
  if (movable.length > 0 && running < d.maxParallel) await deps.fleetView.fresh();
  for (const inst of movable) {
    if (running >= d.maxParallel) break;
    try {
      await startLiveMigration(deps, inst, undefined);
      running++;
    } catch (e) {
      if (!isVfleetError(e)) throw e;
      // Started by another controller's pass meanwhile: it is running.
      if (e.message.includes('already migrating')) running++;
      else blocked.push({ instance: inst.id, name: inst.name, reason: e.message });
    }
  }
  const state: DrainState =
    left.length === 0
      ? 'drained'
      : running > 0 || blocked.length < left.length
        ? 'draining'
        : 'stuck';
  const message = drainMessage(state, left.length, running, blocked);
  const changed = state !== d.state || message !== d.message;
  if (changed || !sameBlocked(blocked, d.blocked)) {
    await deps.store.maintenance.updateDrain(
      d.host,
      { state, blocked, message, at: new Date(deps.now()).toISOString() },
      state === d.state ? null : { at: new Date(deps.now()).toISOString(), describe: drainEvent },
    );
  }
  return state;
}

function drainMessage(
  state: DrainState,
  left: number,
  running: number,
  blocked: readonly BlockedInstance[],
): string {
  if (state === 'drained') return 'no instance left on the host: ready for maintenance';
  const cannot =
    blocked.length === 0
      ? ''
      : `; ${blocked.length} cannot move: ${blocked.map((b) => `${b.name} (${b.reason})`).join('; ')}`;
  return `${left} instance(s) left, ${running} migrating${cannot}`;
}

const sameBlocked = (a: readonly BlockedInstance[], b: readonly BlockedInstance[]) =>
  JSON.stringify(a) === JSON.stringify(b);

/** The event of a drain that changed state (and of a drain started). */
export function drainEvent(d: HostDrain): NewEvent {
  return {
    kind: 'host-drain',
    host: d.host,
    tenant: null,
    subject: d.host,
    message: `host ${d.host} drain ${d.state}${d.message === null ? '' : `: ${d.message}`}`,
    data: { state: d.state, blocked: d.blocked.map((b) => ({ ...b })), maxParallel: d.maxParallel },
  };
}
