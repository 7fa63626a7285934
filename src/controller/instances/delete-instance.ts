import type { NewEvent } from '../../core/fleet/events.js';
import type { Token } from '../../core/fleet/model.js';
import type { InstanceView } from '../../core/fleet/claim-store.js';
import type { VmRecord } from '../../core/fleet/vm-store.js';
import { seenBy } from '../auth.js';
import type { ControllerDeps } from '../controller-deps.js';
import { instanceEvent } from '../events.js';

/** Deleted, and what happens to its VFs now. */
export const deleted = (inst: InstanceView, then: string): NewEvent =>
  instanceEvent(
    'instance-deleted',
    inst,
    `instance ${inst.name} (tenant ${inst.tenant}) deleted; ${then}`,
  );

export type DeleteOutcome =
  /** Its domain goes first: the agent removes it, then the VFs are released (record-applied). */
  | { readonly deleting: true; readonly instance: InstanceView; readonly vm: VmRecord | null }
  | { readonly deleting: false };

/**
 * `DELETE /v1/instances/{id}`, one transaction: an instance with a domain
 * is marked for removal (its VFs stay its own until the agent reports the
 * domain gone: never reset under a VM); one without is released, its VFs
 * dirty until the agent resets them, with its event in the same commit.
 */
export async function deleteInstance(
  deps: ControllerDeps,
  who: Token,
  id: string,
): Promise<DeleteOutcome> {
  const inst = seenBy(who, await deps.store.claims.getInstance(id), 'instance', id);
  const now = new Date(deps.now()).toISOString();
  if ((await deps.store.vms.get(id)) !== null) {
    await deps.store.vms.requestDelete(id, now);
    return { deleting: true, instance: inst, vm: await deps.store.vms.get(id) };
  }
  await deps.store.claims.release(id, {
    events: [deleted(inst, 'its VFs are released for reset')],
    now,
  });
  return { deleting: false };
}
