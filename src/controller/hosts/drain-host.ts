import { VfleetError } from '../../core/errors.js';
import type { HostDrain } from '../../core/fleet/maintenance-store.js';
import type { ControllerDeps } from '../controller-deps.js';
import { drainEvent } from './drain-pass.js';

/**
 * `POST /v1/hosts/{id}/drain`: cordons the host and starts its drain, in
 * one transaction; the controllers' drain passes (maintenance-passes.ts) move the
 * instances. Draining again restarts it (a drain that got stuck is tried
 * afresh, its failed migrations included).
 */
export async function drainHost(
  deps: ControllerDeps,
  id: string,
  o: { readonly maxParallel: number; readonly reason: string | null },
): Promise<HostDrain> {
  const d = await deps.store.maintenance.startDrain(id, o, {
    at: new Date(deps.now()).toISOString(),
    describe: drainEvent,
  });
  if (d === null) throw new VfleetError('NOT_FOUND', `no host ${id}`);
  deps.passes?.kick();
  return d;
}
