import { VfleetError } from '../core/errors.js';
import { vfAt } from '../core/fleet/vm-domain.js';
import type { LiveAnswer, LiveEffect } from '../core/migration/live-migration-effects.js';
import type { ControllerDeps } from './controller-deps.js';
import { hostFacts } from './vm-render.js';

export interface TaskLimits {
  /** attach-device / detach-device / define-domain / undefine-domain. */
  readonly deviceMs: number;
  readonly migrateMs: number;
}

export const DEFAULT_TASK_LIMITS: TaskLimits = { deviceMs: 5 * 60_000, migrateMs: 30 * 60_000 };

/** The task row of a live migration's n-th task: a controller that retries finds the same row. */
export const liveTaskId = (migrationId: string, seq: number) => `${migrationId}-t${String(seq)}`;

const failed = (e: VfleetError): LiveAnswer => ({
  ok: false,
  error: { code: e.code, message: e.message },
});

/**
 * Makes one effect of a live migration and answers it, or answers null
 * while a host's agent has not answered its task yet. Safe to repeat: a
 * controller that died after the effect but before writing its answer down
 * asks again and gets the same answer (the claims are idempotent, a task
 * is found by its id). A store that fails throws: the effect is tried again
 * on the next pass instead of failing the migration.
 */
export async function performLiveEffect(
  deps: ControllerDeps,
  m: { readonly id: string; readonly instanceId: string },
  e: LiveEffect,
  limits: TaskLimits,
): Promise<LiveAnswer | null> {
  try {
    switch (e.kind) {
      case 'reserve-vf': {
        const held = await deps.store.vms.holdVf(e.portId, e.hostId, e.numaNode);
        if (held === null)
          throw new VfleetError('NO_CAPACITY', `no free VF for port ${e.portId} on ${e.hostId}`);
        return { ok: true, vf: vfAt(await hostFacts(deps, e.hostId), held.pciAddress) };
      }
      case 'confirm-vf':
        await deps.store.vms.swapVf(e.portId, { hostId: e.hostId, pciAddress: e.pciAddress });
        return { ok: true };
      case 'release-vf':
        await deps.store.vms.dropVf(e.portId, { hostId: e.hostId, pciAddress: e.pciAddress });
        return { ok: true };
      case 'task':
        return await taskAnswer(deps, m, e, limits);
    }
  } catch (err) {
    // The store away (MISSING_DEPENDENCY) is no answer: the next pass tries the effect again.
    if (err instanceof VfleetError && err.code !== 'MISSING_DEPENDENCY') return failed(err);
    throw err;
  }
}

/**
 * A task in the host's desired state, run by its agent (virsh, or a
 * render-only definition). One the agent has not taken up by the limit is
 * withdrawn, so a failed step has changed nothing, as the steps require.
 */
async function taskAnswer(
  deps: ControllerDeps,
  m: { readonly id: string; readonly instanceId: string },
  e: Extract<LiveEffect, { kind: 'task' }>,
  limits: TaskLimits,
): Promise<LiveAnswer | null> {
  const id = liveTaskId(m.id, e.seq);
  const now = () => new Date(deps.now()).toISOString();
  const t = await deps.store.vms.getTask(id);
  if (t === null) {
    const task = { id, hostId: e.hostId, instanceId: m.instanceId, op: e.op, args: e.args };
    await deps.store.vms.addTask(task, now());
    return null;
  }
  if (t.state === 'done') return { ok: true };
  if (t.state === 'failed') {
    const why = `${e.op} on ${e.hostId}: ${t.message ?? 'failed'}`;
    return failed(new VfleetError('COMMAND_FAILED', why, { host: e.hostId }));
  }
  const ms = e.limit === 'migrate' ? limits.migrateMs : limits.deviceMs;
  const since = t.createdAt === undefined ? deps.now() : Date.parse(t.createdAt);
  if (deps.now() < since + ms) return null;
  // An answer that lands in between wins: then the withdrawal finds nothing, and the next pass reads it.
  if (!(await deps.store.vms.finishTask(e.hostId, id, false, 'timed out', now()))) return null;
  const why = `${e.op} on ${e.hostId}: the agent did not answer in time`;
  return failed(new VfleetError('TIMEOUT', why, { host: e.hostId }));
}
