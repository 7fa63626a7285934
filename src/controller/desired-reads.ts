import DataLoader from 'dataloader';
import type { DesiredInputs, HostStore } from '../core/fleet/host-store.js';
import type { VmRecord, VmStore, VmTask } from '../core/fleet/vm-store.js';

/** The most hosts one read asks for: bounds the statement's size and the wait of the first. */
const MAX_BATCH = 500;

/** A host's domains and pending hypervisor tasks, as its desired answer lists them. */
export interface HostVms {
  readonly vms: readonly VmRecord[];
  readonly tasks: readonly VmTask[];
}

/**
 * Reads for the long polls' answers, gathered: every read asked for in the
 * same turn of the event loop goes to the store as one set of statements
 * for all their hosts. A spec change wakes the long poll of every host it
 * reaches in one notice: 1,000 polls then read in a few rounds, not 1,000
 * rounds of six statements each (issue 14, P8). Nothing is cached: each
 * load reads the store as it is when its batch runs, which is after its
 * caller began listening for the host's notices.
 */
export interface DesiredReads {
  /** null: the host is not registered. */
  inputs(id: string): Promise<DesiredInputs | null>;
  vms(id: string): Promise<HostVms>;
}

export function createDesiredReads(store: {
  readonly hosts: Pick<HostStore, 'desiredInputs'>;
  readonly vms: Pick<VmStore, 'forHosts' | 'pendingTasks'>;
}): DesiredReads {
  const options = { cache: false, maxBatchSize: MAX_BATCH };
  const inputs = new DataLoader<string, DesiredInputs | null>(async (ids) => {
    const found = await store.hosts.desiredInputs(ids);
    return ids.map((id) => found.get(id) ?? null);
  }, options);
  const vms = new DataLoader<string, HostVms>(async (ids) => {
    const [domains, tasks] = await Promise.all([
      store.vms.forHosts(ids),
      store.vms.pendingTasks(ids),
    ]);
    return ids.map((id) => ({ vms: domains.get(id) ?? [], tasks: tasks.get(id) ?? [] }));
  }, options);
  return { inputs: (id) => inputs.load(id), vms: (id) => vms.load(id) };
}
