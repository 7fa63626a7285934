import { randomUUID } from 'node:crypto';
import { VfleetError } from '../core/errors.js';
import type { VmTaskOp } from '../core/fleet/vm-store.js';
import type { DeviceScope } from '../core/libvirt/hypervisor-driver.js';
import type { DomainPolicy } from '../core/libvirt/wiring.js';
import type { DefinitionDriver, MigrationDriver } from '../core/migration/hypervisor-ports.js';
import type { ControllerDeps } from './controller-deps.js';

export interface TaskLimits {
  /** attach-device / detach-device. */
  readonly deviceMs: number;
  readonly migrateMs: number;
}

export const DEFAULT_TASK_LIMITS: TaskLimits = { deviceMs: 5 * 60_000, migrateMs: 30 * 60_000 };

/**
 * A host's hypervisor, reached through its agent: each call becomes a task
 * in the host's desired state, the agent runs it with its own driver
 * (virsh) and reports back. The call settles with the agent's answer; a task
 * the agent has not taken up by the limit is withdrawn (so a rejection has
 * changed nothing, as MigrationPorts asks).
 */
export function agentTaskDriver(
  deps: ControllerDeps,
  hostId: string,
  instanceId: string,
  limits: TaskLimits = DEFAULT_TASK_LIMITS,
  /** The instance's domain policy: the agent checks a definition it is handed against it. */
  policy: DomainPolicy = 'tenant',
): MigrationDriver & DefinitionDriver {
  const run = async (op: VmTaskOp, args: Record<string, unknown>, ms: number): Promise<void> => {
    const id = randomUUID();
    const now = () => new Date(deps.now()).toISOString();
    await deps.store.vms.addTask({ id, hostId, instanceId, op, args }, now());
    deps.feed.notify(hostId);
    const deadline = Date.now() + ms;
    for (;;) {
      // Listening before reading, so an answer that lands in between still wakes this call.
      const listening = new AbortController();
      const woken = deps.feed.wait(
        `task:${hostId}`,
        Math.max(0, Math.min(2_000, deadline - Date.now())),
        deps.stopping === undefined
          ? listening.signal
          : AbortSignal.any([deps.stopping, listening.signal]),
      );
      const t = await deps.store.vms.getTask(id).catch((e: unknown) => {
        listening.abort();
        throw e;
      });
      if (t?.state !== 'pending') listening.abort();
      if (t === null) throw new VfleetError('INTERNAL', `task ${id} vanished`);
      if (t.state === 'done') return;
      if (t.state === 'failed')
        throw new VfleetError('COMMAND_FAILED', `${op} on ${hostId}: ${t.message ?? 'failed'}`, {
          host: hostId,
        });
      if (Date.now() >= deadline) {
        const withdrawn = await deps.store.vms.finishTask(hostId, id, false, 'timed out', now());
        if (withdrawn)
          throw new VfleetError('TIMEOUT', `${op} on ${hostId}: the agent did not answer in time`, {
            host: hostId,
          });
        continue;
      }
      // Task results wake this feed; the time-out re-reads for other controllers' results.
      await woken;
    }
  };
  const device = (op: VmTaskOp) => (domain: string, xml: string, scope: DeviceScope) =>
    run(op, { domain, xml, scope }, limits.deviceMs);
  return {
    attachDevice: device('attach-device'),
    detachDevice: device('detach-device'),
    migrate: (domain, targetUri) => run('migrate', { domain, targetUri }, limits.migrateMs),
    defineDomain: (domain, xml) =>
      run('define-domain', { domain, xml, instanceId, policy }, limits.deviceMs),
    undefineDomain: (domain) => run('undefine-domain', { domain }, limits.deviceMs),
  };
}
