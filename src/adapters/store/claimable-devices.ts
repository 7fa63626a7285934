import type { Expression, SqlBool, Transaction } from 'kysely';
import type { Database } from './db-types.js';

type Tx = Transaction<Database>;

/**
 * A claimable device: a VF (`vfs`) or a PF handed over whole (`pfs`). Both
 * share one lifecycle, written once here: `free` (clean, or `dirty` until
 * the agent applied the reset of generation `pending_generation`),
 * `reserved` by a port until the agent applied its generation, then
 * `allocated`; `quarantined` when the agent failed to set a free one.
 */
export type DeviceTable = 'vfs' | 'pfs';

/**
 * The columns of a device its port let go: free, but dirty until the agent
 * applied generation `gen` (the reset), so no one gets a device still
 * carrying the last tenant's settings.
 */
export const released = (gen: number) =>
  ({
    state: 'free',
    dirty: true,
    port_id: null,
    reserved_until: null,
    pending_generation: gen,
    note: null,
  }) as const;

/** Releases the devices the instance's ports hold (see `released`). */
export async function releaseDevices(
  tx: Tx,
  table: DeviceTable,
  instanceId: string,
  gen: number,
): Promise<void> {
  const ports = tx.selectFrom('ports').select('id').where('instance_id', '=', instanceId);
  await tx.updateTable(table).set(released(gen)).where('port_id', 'in', ports).execute();
}

export interface Settle {
  readonly hostId: string;
  readonly generation: number;
  /** PCI addresses the agent could not set. */
  readonly failed: readonly string[];
  readonly note: string;
  /** Which free devices a failure quarantines (the rest only get the note). */
  readonly quarantinable?: Expression<SqlBool>;
}

/**
 * The agent applied generation `generation` on the host: devices whose
 * change it carried move on (released: clean; reserved: allocated;
 * quarantined and unheld: free). A failed address is quarantined when free,
 * noted when held.
 */
export async function settleDevices(tx: Tx, table: DeviceTable, s: Settle): Promise<void> {
  const base = () => {
    const q = tx
      .updateTable(table)
      .where('host_id', '=', s.hostId)
      .where('pending_generation', '<=', s.generation);
    return s.failed.length > 0 ? q.where('pci_address', 'not in', s.failed) : q;
  };
  await base().set({ dirty: false, note: null }).where('state', '=', 'free').execute();
  await base()
    .set({ state: 'free', dirty: false, note: null })
    .where('state', '=', 'quarantined')
    .where('port_id', 'is', null)
    .execute();
  await base()
    .set({ state: 'allocated', reserved_until: null, note: null })
    .where('state', '=', 'reserved')
    .execute();
  if (s.failed.length === 0) return;
  const failedOnHost = () =>
    tx.updateTable(table).where('host_id', '=', s.hostId).where('pci_address', 'in', s.failed);
  let quarantine = failedOnHost()
    .set({ state: 'quarantined', dirty: false, note: s.note })
    .where('port_id', 'is', null);
  if (s.quarantinable !== undefined) quarantine = quarantine.where(s.quarantinable);
  await quarantine.execute();
  await failedOnHost().set({ note: s.note }).where('port_id', 'is not', null).execute();
}
