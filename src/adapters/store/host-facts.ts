// What an agent reported beside its inventory (render facts, IRQ pins, domain results), written in the caller's transaction.
import type { Kysely } from 'kysely';
import type { HostRenderFacts } from '../../core/fleet/host-render-facts.js';
import type { IrqPinSummary, VmResult } from '../../core/fleet/vm-store.js';
import type { Database } from './db-types.js';

const json = (v: unknown) => JSON.stringify(v);

export async function writeHostFacts(
  tx: Kysely<Database>,
  hostId: string,
  facts: HostRenderFacts,
  now: string,
): Promise<void> {
  await tx
    .insertInto('host_facts')
    .values({ host_id: hostId, facts: json(facts), updated_at: now })
    .onConflict((oc) => oc.column('host_id').doUpdateSet({ facts: json(facts), updated_at: now }))
    .execute();
}

/** Kept beside the facts; a host that never reported facts has no row to keep them in. */
export async function writeIrqPins(
  tx: Kysely<Database>,
  hostId: string,
  pins: IrqPinSummary,
): Promise<void> {
  await tx
    .updateTable('host_facts')
    .set({ irq_pins: json(pins) })
    .where('host_id', '=', hostId)
    .execute();
}

/** Records the agent's domain results; returns the instances whose domain is now gone as asked. */
export async function writeVmResults(
  tx: Kysely<Database>,
  hostId: string,
  results: readonly VmResult[],
  now: string,
): Promise<string[]> {
  const gone: string[] = [];
  for (const r of results) {
    const row = await tx
      .updateTable('instance_vms')
      .set({ state: r.state, message: r.message, hypervisor: r.hypervisor, updated_at: now })
      .where('instance_id', '=', r.instanceId)
      // Only the host the instance is on speaks for its domain.
      .where('instance_id', 'in', (eb) =>
        eb.selectFrom('instances').select('id').where('host_id', '=', hostId),
      )
      .returning(['desired'])
      .executeTakeFirst();
    if (row?.desired === 'absent' && r.state === 'absent') gone.push(r.instanceId);
  }
  return gone;
}
